package dev.porter.profile.me;

import java.util.List;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.common.Detached;
import dev.porter.profile.cache.CacheStatus;
import dev.porter.profile.cache.Cached;
import dev.porter.profile.cache.Lookup;
import dev.porter.profile.directory.Directory;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.directory.PerUserSequence;
import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.oidc.Callers;
import dev.porter.profile.problem.PreconditionFailedException;
import dev.porter.profile.problem.ProfileTooLargeException;
import dev.porter.profile.upstream.BeforeFirstAttempt;
import dev.porter.profile.upstream.UpstreamResponses;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Service;

/**
 * The caller's metadata changes: each checked against the size budget, sent to the
 * directory as a delta and written through ({@link ProfileCaches#directoryChange}), and
 * answered with her profile as {@link MeService} reads it. Each change spends one call of
 * the caller's {@link CallerUpstreamShare}, and is sent only while the request has time
 * enough left ({@link ChangeDeadlines}).
 */
@Service
class MetadataChanges {

	private final MeService profiles;

	private final Callers callers;

	private final ProfileCaches caches;

	private final JsonMapper mapper;

	private final CallerUpstreamShare upstreamShare;

	private final ChangeDeadlines deadlines;

	/**
	 * Her changes that wait for their turn, one at a time: those that set a key, and
	 * every conditional one, deletions too (see {@link #patchMetadata}).
	 */
	private final PerUserSequence changesInTurn = new PerUserSequence();

	MetadataChanges(MeService profiles, Callers callers, ProfileCaches caches, JsonMapper mapper,
			CallerUpstreamShare upstreamShare, ChangeDeadlines deadlines) {
		this.profiles = profiles;
		this.callers = callers;
		this.caches = caches;
		this.mapper = mapper;
		this.upstreamShare = upstreamShare;
		this.deadlines = deadlines;
	}

	/**
	 * Writes only once {@code /userinfo} and the size checks have passed, so that a
	 * failure of either leaves nothing written; sends only the delta, and reports success
	 * only with the user Auth0 returned. Once sent, the change runs to its end even if
	 * the caller goes away: the caches must follow its outcome (see
	 * {@link ProfileCaches#directoryChange}). Completes empty when Auth0 confirmed the
	 * change with a user larger than this service reads: applied, but nothing to show.
	 * Without a directory, refused (501).
	 * <p>
	 * A change that sets a key waits for her turn, behind her changes before it that wait
	 * theirs ({@link PerUserSequence}: those that set a key, and every conditional one),
	 * then is checked against her user as the last of them left it: checked at once
	 * against the same user, changes that each fit could together take her profile far
	 * past the budget, and Auth0 merges them all (see {@link MetadataPatch#growsNoKey}).
	 * One that only deletes, without preconditions, is checked against nothing
	 * ({@link ProfileSizeBudget}) and is sent at once: whatever else runs, it shrinks her
	 * profile, and her current user is not asked, so that a record other clients grew
	 * past what this service reads may still shrink.
	 * <p>
	 * A change sent with preconditions ({@code If-Match}, {@code If-None-Match}) is made
	 * only when they hold for her user read afresh ({@link #conditionalPatch}); without
	 * them, nothing is read past the cache.
	 * <p>
	 * No change is sent with less of the request's time left than its first attempt may
	 * take, and one is refused at the first step after which too little is left
	 * ({@link ChangeDeadlines}).
	 */
	Mono<ProfileView> patchMetadata(Jwt jwt, MetadataPatch patch, Preconditions preconditions) {
		Directory directory = this.profiles.requireDirectory();
		if (!preconditions.none()) {
			return conditionalPatch(directory, jwt, patch, preconditions);
		}
		if (patch.changesNothing()) {
			// answered as a read: sent, it would empty user_metadata (see MetadataPatch)
			return this.profiles.profile(jwt);
		}
		String sub = this.callers.id(jwt);
		return this.profiles.userinfo(jwt).flatMap((userinfo) -> {
			Mono<Cached<DirectoryUser>> change = change(directory, jwt, sub, patch);
			Mono<Cached<DirectoryUser>> sent = patch.deletesOnly() ? Detached.run(change)
					: inHerTurn(sub, withinBudget(sub, patch).then(change));
			return sent.map((user) -> this.profiles.view(userinfo, user));
		});
	}

	/**
	 * As an unconditional change, once {@code preconditions} held for her profile as
	 * {@code GET /me} would answer it now: her {@code /userinfo} through its cache, as
	 * {@code GET /me} reads it, and her user read from the directory past its cache,
	 * since another instance, device or Auth0 client may have changed it since it was
	 * cached. The user so read is cached ({@link ProfileCaches#directoryRead}), and when
	 * nothing is sent (a precondition failed, or the body changes nothing) the other
	 * instances are told to drop theirs: the client's next {@code GET /me} answers the
	 * version it was just given, here without another call to the directory. Every change
	 * of hers then waits for her turn, those that only delete too: two sent at once on
	 * the same version are evaluated one after the other, the second against what the
	 * first left. The size budget is checked against the user so read. Should the read
	 * fail, nothing is sent: its problem is the answer. Auth0 cannot make the write
	 * itself conditional; what may still come between the read and the write is a change
	 * made through another instance or another Auth0 client.
	 */
	private Mono<ProfileView> conditionalPatch(Directory directory, Jwt jwt, MetadataPatch patch,
			Preconditions preconditions) {
		String sub = this.callers.id(jwt);
		return this.profiles.userinfo(jwt).flatMap((userinfo) -> {
			String readPastCache = CacheStatus.of(List.of(userinfo.lookup(), Lookup.forwarded(false)));
			Mono<DirectoryUser> read = this.caches.directoryRead(sub, currentUser(directory, sub, patch));
			if (patch.changesNothing()) {
				// the others are told whether or not they hold: either way her next
				// GET /me, wherever it lands, answers the version read here
				return read.map((user) -> this.profiles.view(userinfo.value(), user, readPastCache))
					.flatMap((view) -> this.caches.dropElsewhere(sub)
						.then(Mono.fromRunnable(() -> preconditions.check(view.etag())))
						.thenReturn(view));
			}
			Mono<DirectoryUser> current = read
				.doOnNext(
						(user) -> preconditions.check(this.profiles.view(userinfo.value(), user, readPastCache).etag()))
				.onErrorResume(PreconditionFailedException.class,
						(failed) -> this.caches.dropElsewhere(sub).then(Mono.error(failed)));
			Mono<Cached<DirectoryUser>> sent = inHerTurn(sub,
					current.doOnNext((user) -> checkBudget(user, patch)).then(change(directory, jwt, sub, patch)));
			return sent.map((user) -> this.profiles.view(userinfo, user));
		});
	}

	/**
	 * {@code sub}'s user as the directory has it now, not as cached; one call of her
	 * share. A record larger than this service reads is, for a change that sets a key,
	 * refused as {@link #withinBudget} refuses it, and otherwise {@code GET /me}'s
	 * problem: no version of it could be compared.
	 */
	private Mono<DirectoryUser> currentUser(Directory directory, String sub, MetadataPatch patch) {
		Mono<DirectoryUser> read = this.upstreamShare.spending(sub, directory.find(sub));
		return patch.deletesOnly() ? read : tooLargeToCheck(read);
	}

	/**
	 * Sends {@code patch} once its reads have left time enough (503 otherwise), over her
	 * share nothing (429). Actions may expose user_metadata as {@code /userinfo} claims,
	 * which always say the latest: the next read revalidates them, and keeps them should
	 * {@code /userinfo} refuse (its limit is 5 a minute per user). Run to its end by the
	 * caller: one gone past its deadline must not leave them fresh.
	 */
	private Mono<Cached<DirectoryUser>> change(Directory directory, Jwt jwt, String sub, MetadataPatch patch) {
		return this.deadlines.timeLeftAfterReads().then(Mono.defer(() -> {
			this.upstreamShare.spend(sub);
			Mono<DirectoryUser> sent = directory.updateUserMetadata(sub, patch)
				.contextWrite(
						(context) -> BeforeFirstAttempt.into(context, this.deadlines.timeLeftAfterWaitingToSend()));
			return this.caches.directoryChange(sub, sent)
				.doOnSuccess((user) -> this.caches.userinfo().markStale(UserinfoKey.of(sub, jwt)));
		}));
	}

	/**
	 * {@code work} once her changes before it that wait their turn have ended: not queued
	 * at all when her reads left too little time to send it.
	 */
	private <T> Mono<T> inHerTurn(String sub, Mono<T> work) {
		return this.deadlines.timeLeftAfterReads()
			.then(this.changesInTurn.run(sub, work, this.deadlines.timeLeftAfterWaiting()));
	}

	/** How many of her changes wait for their turn. */
	int changesWaiting(String sub) {
		return this.changesInTurn.waiting(sub);
	}

	/**
	 * Completes once the resulting sizes (user_metadata, then the whole profile) were
	 * checked against her current user. A change that sets a key cannot be checked
	 * against a record other clients grew past what this service reads, and is refused as
	 * too large.
	 */
	private Mono<Void> withinBudget(String sub, MetadataPatch patch) {
		return tooLargeToCheck(this.profiles.directoryUser(sub))
			.doOnNext((current) -> checkBudget(current.value(), patch))
			.then();
	}

	/** Throws a 422 when {@code patch}'s result on {@code user} is over a budget. */
	private void checkBudget(DirectoryUser user, MetadataPatch patch) {
		ProfileSizeBudget.check(user.attributes(), userMetadata(user), patch, this.mapper);
	}

	/**
	 * {@code read}, a record larger than this service reads refused as too large (422): a
	 * change that sets a key cannot be checked against it.
	 */
	private static <T> Mono<T> tooLargeToCheck(Mono<T> read) {
		return read.onErrorMap(UpstreamResponses::overReadLimit, ProfileTooLargeException::storedOverReadLimit);
	}

	private static ObjectNode userMetadata(DirectoryUser user) {
		return (user.attributes().get("user_metadata") instanceof ObjectNode metadata) ? metadata
				: JsonNodeFactory.instance.objectNode();
	}

}
