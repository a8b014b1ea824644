package dev.porter.profile.me;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
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
import dev.porter.profile.problem.CallerRateLimitedException;
import dev.porter.profile.problem.DirectoryNotWritableException;
import dev.porter.profile.problem.PreconditionFailedException;
import dev.porter.profile.problem.ProfileTooLargeException;
import dev.porter.profile.problem.RequestDeadlinePassedException;
import dev.porter.profile.upstream.BeforeFirstAttempt;
import dev.porter.profile.upstream.UpstreamPolicy;
import dev.porter.profile.upstream.UpstreamResponses;
import dev.porter.profile.oidc.Callers;
import dev.porter.profile.userinfo.Userinfo;
import dev.porter.profile.userinfo.UserinfoClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Service;

/**
 * The caller's profile: {@code /userinfo} and the directory user, each through its cache,
 * fetched in parallel and merged; metadata changes sent as a delta and written through.
 * Each load, revalidation and change spends one call of the caller's
 * {@link CallerUpstreamShare}. Without a directory ({@code PROFILE_DIRECTORY=none}) the
 * profile is {@code /userinfo} alone and metadata cannot be changed.
 */
@Service
class MeService {

	/**
	 * When a change that waited for her change before it may be sent again: that one has
	 * ended once this one is refused.
	 */
	private static final Duration RETRY_AFTER_OWN_CHANGE = Duration.ofSeconds(1);

	private final UserinfoClient userinfoClient;

	private final Callers callers;

	private final @Nullable Directory directory;

	private final ProfileCaches caches;

	private final ProfileMerger merger;

	private final JsonMapper mapper;

	private final CallerUpstreamShare upstreamShare;

	/** Her changes that set keys, one at a time: see {@link #patchMetadata}. */
	private final PerUserSequence setChanges = new PerUserSequence();

	/**
	 * The least of the request's time a change is sent with: its first attempt's timeout,
	 * so that the first attempt has ended, answered or timed out, before the request
	 * deadline answers. Checked after each step before the change, and once more when its
	 * first attempt is about to go ({@link BeforeFirstAttempt}).
	 */
	private final Duration firstAttempt;

	private final Clock clock;

	MeService(UserinfoClient userinfoClient, ObjectProvider<Directory> directory, ProfileCaches caches,
			ProfileMerger merger, JsonMapper mapper, Callers callers, CallerUpstreamShare upstreamShare,
			@Qualifier("management") UpstreamPolicy management, Clock clock) {
		this.userinfoClient = userinfoClient;
		// an attempt set longer than the whole deadline is cut by it
		this.firstAttempt = (management.attemptTimeout().compareTo(management.deadline()) < 0)
				? management.attemptTimeout() : management.deadline();
		this.clock = clock;
		this.upstreamShare = upstreamShare;
		this.callers = callers;
		this.directory = directory.getIfAvailable();
		this.caches = caches;
		this.merger = merger;
		this.mapper = mapper;
	}

	Mono<ProfileView> profile(Jwt jwt) {
		if (this.directory == null) {
			return userinfo(jwt).map((userinfo) -> view(userinfo.value(), DirectoryUser.none(),
					CacheStatus.of(List.of(userinfo.lookup()))));
		}
		return Mono.zip(userinfo(jwt), directoryUser(this.callers.id(jwt)))
			.map((both) -> view(both.getT1().value(), both.getT2().value(),
					CacheStatus.of(List.of(both.getT1().lookup(), both.getT2().lookup()))));
	}

	/**
	 * Writes only once {@code /userinfo} and the size checks have passed, so that a
	 * failure of either leaves nothing written; sends only the delta, and reports success
	 * only with the user Auth0 returned. Once sent, the change runs to its end even if
	 * the caller goes away: the caches must follow its outcome (see
	 * {@link ProfileCaches#directoryChange}). Completes empty when Auth0 confirmed the
	 * change with a user larger than this service reads: applied, but nothing to show.
	 * <p>
	 * A change that sets a key waits for the user's changes before it that set keys
	 * ({@link PerUserSequence}), then is checked against her user as the last of them
	 * left it: checked at once against the same user, changes that each fit could
	 * together take her profile far past the budget, and Auth0 merges them all. One that
	 * only deletes is checked against nothing ({@link ProfileSizeBudget}) and is sent at
	 * once: whatever else runs, it shrinks her profile, and her current user is not
	 * asked, so that a record other clients grew past what this service reads may still
	 * shrink.
	 * <p>
	 * A change sent with preconditions ({@code If-Match}, {@code If-None-Match}) is made
	 * only when they hold for her user read afresh ({@link #conditionalPatch}); without
	 * them, nothing is read past the cache.
	 * <p>
	 * No change is sent with less of the request's time left than its first attempt may
	 * take: sent, its first attempt could be applied after the request deadline had told
	 * her it failed ({@link RequestDeadline}). (Not the Management API's whole deadline,
	 * retries included: with the shipped settings that left half a second for the reads,
	 * and an uncached read on a slow day refused ordinary changes. A retry cut short by
	 * the request deadline is answered as "may still be applied", which it is.) One is
	 * refused at the first step after which too little is left, and the answer names that
	 * step: a read (her {@code /userinfo}, her current user) is an upstream's slowness,
	 * 503; the wait for her change before is her own concurrency, 429; the waits for the
	 * directory's token and call budget, checked when the first attempt is about to go
	 * (the attempt's time limit starts only after them), the directory's, 503. Nothing
	 * was changed either way.
	 */
	Mono<ProfileView> patchMetadata(Jwt jwt, MetadataPatch patch, Preconditions preconditions) {
		Directory directory = requireDirectory();
		if (!preconditions.none()) {
			return conditionalPatch(directory, jwt, patch, preconditions);
		}
		if (patch.changesNothing()) {
			// answered as a read: sent, it would empty user_metadata (see MetadataPatch)
			return profile(jwt);
		}
		String sub = this.callers.id(jwt);
		return userinfo(jwt).flatMap((userinfo) -> {
			Mono<Cached<DirectoryUser>> change = change(directory, jwt, sub, patch);
			Mono<Cached<DirectoryUser>> sent = patch.deletesOnly() ? Detached.run(change)
					: inHerTurn(sub, withinBudget(sub, patch).then(change));
			return sent.map((user) -> view(userinfo.value(), user.value(),
					CacheStatus.of(List.of(userinfo.lookup(), user.lookup()))));
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
		return userinfo(jwt).flatMap((userinfo) -> {
			String readPastCache = CacheStatus.of(List.of(userinfo.lookup(), Lookup.forwarded(false)));
			Mono<DirectoryUser> current = this.caches.directoryRead(sub, currentUser(directory, sub, patch))
				.doOnNext((user) -> preconditions.check(view(userinfo.value(), user, readPastCache).etag()))
				.onErrorResume(PreconditionFailedException.class,
						(failed) -> this.caches.dropElsewhere(sub).then(Mono.error(failed)));
			if (patch.changesNothing()) {
				return current.flatMap((user) -> this.caches.dropElsewhere(sub)
					.thenReturn(view(userinfo.value(), user, readPastCache)));
			}
			Mono<Cached<DirectoryUser>> sent = inHerTurn(sub,
					current.doOnNext((user) -> checkBudget(user, patch)).then(change(directory, jwt, sub, patch)));
			return sent.map((user) -> view(userinfo.value(), user.value(),
					CacheStatus.of(List.of(userinfo.lookup(), user.lookup()))));
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
		return patch.deletesOnly() ? read
				: read.onErrorMap(UpstreamResponses::overReadLimit, ProfileTooLargeException::storedOverReadLimit);
	}

	/**
	 * Sends {@code patch} once its reads have left time enough (503 otherwise), over her
	 * share nothing (429). Actions may expose user_metadata as {@code /userinfo} claims,
	 * which always say the latest: the next read revalidates them, and keeps them should
	 * {@code /userinfo} refuse (its limit is 5 a minute per user). Run to its end by the
	 * caller: one gone past its deadline must not leave them fresh.
	 */
	private Mono<Cached<DirectoryUser>> change(Directory directory, Jwt jwt, String sub, MetadataPatch patch) {
		return timeLeftAfterReads().then(Mono.defer(() -> {
			this.upstreamShare.spend(sub);
			Mono<DirectoryUser> sent = directory.updateUserMetadata(sub, patch)
				.contextWrite((context) -> BeforeFirstAttempt.into(context, timeLeftAfterWaitingToSend()));
			return this.caches.directoryChange(sub, sent)
				.doOnSuccess((user) -> this.caches.userinfo().markStale(UserinfoKey.of(sub, jwt)));
		}));
	}

	/**
	 * {@code work} once her changes before it that set keys have ended: not queued at all
	 * when her reads left too little time to send it.
	 */
	private <T> Mono<T> inHerTurn(String sub, Mono<T> work) {
		return timeLeftAfterReads().then(this.setChanges.run(sub, work, timeLeftAfterWaiting()));
	}

	/** How many of her changes that set keys wait for their turn. */
	int changesWaiting(String sub) {
		return this.setChanges.waiting(sub);
	}

	/**
	 * Completes when a change sent now has its first attempt end before the request's
	 * deadline; fails with a 503 otherwise: the reads before it were slow.
	 */
	private Mono<Void> timeLeftAfterReads() {
		return RequestEnd.leaves(this.firstAttempt, this.clock, RequestDeadlinePassedException::beforeChangeSent);
	}

	/**
	 * As {@link #timeLeftAfterReads}, when a change's turn comes: fails with a 429, the
	 * time went waiting for her own change before.
	 */
	private Mono<Void> timeLeftAfterWaiting() {
		return RequestEnd.leaves(this.firstAttempt, this.clock,
				() -> CallerRateLimitedException.ownChangeBeforeTooSlow(RETRY_AFTER_OWN_CHANGE));
	}

	/**
	 * As {@link #timeLeftAfterReads}, when the change's first attempt is about to go:
	 * fails with a 503, the time went waiting for the directory (its token, its call
	 * budget).
	 */
	private Mono<Void> timeLeftAfterWaitingToSend() {
		return RequestEnd.leaves(this.firstAttempt, this.clock,
				RequestDeadlinePassedException::beforeChangeSentAfterWaiting);
	}

	/**
	 * Completes once the resulting sizes (user_metadata, then the whole profile) were
	 * checked against her current user. A change that sets a key cannot be checked
	 * against a record other clients grew past what this service reads, and is refused as
	 * too large.
	 */
	private Mono<Void> withinBudget(String sub, MetadataPatch patch) {
		return directoryUser(sub)
			.onErrorMap(UpstreamResponses::overReadLimit, ProfileTooLargeException::storedOverReadLimit)
			.doOnNext((current) -> checkBudget(current.value(), patch))
			.then();
	}

	/** Throws a 422 when {@code patch}'s result on {@code user} is over a budget. */
	private void checkBudget(DirectoryUser user, MetadataPatch patch) {
		ProfileSizeBudget.check(user.attributes(), userMetadata(user), patch, this.mapper);
	}

	/**
	 * The configured directory; without one a metadata change is refused (501), before
	 * its body is read: no body could succeed.
	 */
	Directory requireDirectory() {
		if (this.directory == null) {
			throw new DirectoryNotWritableException();
		}
		return this.directory;
	}

	private Mono<Cached<Userinfo>> userinfo(Jwt jwt) {
		String sub = this.callers.id(jwt);
		String token = jwt.getTokenValue();
		return this.caches.userinfo()
			.get(UserinfoKey.of(sub, jwt),
					() -> this.upstreamShare.spending(sub, this.userinfoClient.fetch(sub, token)));
	}

	private Mono<Cached<DirectoryUser>> directoryUser(String sub) {
		Directory directory = requireDirectory();
		return this.caches.directoryUser(sub, () -> this.upstreamShare.spending(sub, directory.find(sub)));
	}

	private ProfileView view(Userinfo userinfo, DirectoryUser user, String cacheStatus) {
		return ProfileView.of(this.merger.merge(userinfo, user), cacheStatus, this.mapper);
	}

	private static ObjectNode userMetadata(DirectoryUser user) {
		return (user.attributes().get("user_metadata") instanceof ObjectNode metadata) ? metadata
				: JsonNodeFactory.instance.objectNode();
	}

}
