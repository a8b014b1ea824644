package dev.porter.gateway.devices;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.ExpiredSessionEnder;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.LoggedOutSessionEnder;
import dev.porter.gateway.session.ReplacedSessionEnder;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.session.ToTheEnd;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.stereotype.Component;

/**
 * Ends a session from outside its own request, at its user's wish or when a new login
 * replaced it ({@link ReplacedSessionEnder}), when its IdP session ended
 * ({@link LoggedOutSessionEnder}), or past its absolute lifetime
 * ({@link ExpiredSessionEnder}): removes it from the store (its next request is
 * anonymous), forgets it in the back-channel registry and the directory, and revokes its
 * refresh token at the IdP, so that a copy of the token taken from the store is worthless
 * too. Only the removal must succeed; the rest is best effort, as at logout, and the
 * token is revoked whatever became of the removal and the bookkeeping.
 * <p>
 * An ending, once begun, runs to its end whoever stops waiting for it ({@link ToTheEnd}):
 * a browser that closes the tab while its {@code DELETE} waits for the IdP would
 * otherwise leave sessions removed with their tokens unrevoked, and those not begun yet
 * signed in.
 * <p>
 * Except when the session ends in favour of another of its IdP session that goes on (the
 * login that replaced it, the session that ends it from {@code /bff/sessions}, the login
 * that made room): revoking would end that one too at an IdP that keeps one client
 * session per IdP session (Keycloak), so the token is only deleted with the session
 * ({@link IdpSession}). Unless the IdP logged that IdP session out meanwhile
 * ({@link SessionRegistry#loggedOut}): the session that seemed to go on is being ended by
 * the same back-channel logout, and the token would be held by nobody.
 */
@Component
class SessionEnder implements ReplacedSessionEnder, LoggedOutSessionEnder, ExpiredSessionEnder {

	private static final Logger log = LoggerFactory.getLogger(SessionEnder.class);

	/** Sessions removed, and then tokens revoked, at once by one ending. */
	private static final int CONCURRENCY = 4;

	private final StoredSessions stored;

	private final SessionRegistry registry;

	private final SessionDirectory directory;

	private final DiscoveredClientRegistrationRepository registrations;

	private final TokenRevoker revoker;

	private final ToTheEnd toTheEnd;

	SessionEnder(StoredSessions stored, SessionRegistry registry, SessionDirectory directory,
			DiscoveredClientRegistrationRepository registrations, TokenRevoker revoker, ToTheEnd toTheEnd) {
		this.stored = stored;
		this.registry = registry;
		this.directory = directory;
		this.registrations = registrations;
		this.revoker = revoker;
		this.toTheEnd = toTheEnd;
	}

	/**
	 * Ends the session of {@code entry} for {@code goingOn}, the session that ends it (or
	 * the login it makes room for).
	 */
	Mono<Void> end(DirectoryEntry entry, IdpSession goingOn) {
		return endAll(Flux.just(entry), goingOn).then();
	}

	/**
	 * Ends each of {@code entries} for {@code goingOn}; answers how many were ended, or
	 * else the first failure once all have run ({@link #endEach}).
	 */
	Mono<Long> endAll(Flux<DirectoryEntry> entries, IdpSession goingOn) {
		return endEach(entries,
				(entry) -> remove(entry.key(), this.stored.end(entry.key()), entry.sid(), entry.sub(), goingOn));
	}

	/**
	 * The login comes from the session itself: the browser presented only its id, and it
	 * may be anyone's (an earlier login of this browser's, or one an attacker planted).
	 */
	@Override
	public Mono<Void> endReplaced(SessionKey key, @Nullable IdpSession replacedBy) {
		return endEach(Flux.just(key),
				(replaced) -> removeAsItsLogin(replaced, () -> this.stored.endReplaced(replaced), replacedBy))
			.then();
	}

	/**
	 * The login comes from the session: a logout token without {@code sid} names the user
	 * alone, and the session's own {@code sid} entry must go too.
	 */
	@Override
	public Mono<Void> endLoggedOut(Collection<SessionKey> keys) {
		return endEach(Flux.fromIterable(keys), (key) -> removeAsItsLogin(key, () -> this.stored.end(key), null))
			.then();
	}

	@Override
	public Mono<Void> endExpired(SessionKey key) {
		return endLoggedOut(List.of(key));
	}

	/**
	 * Ends each of {@code sessions}, to the end whoever stops waiting: first removes them
	 * all, a few at a time, then revokes the refresh tokens the removals took, a few at a
	 * time. Removing is what signs a session out, and takes a store call or two; each
	 * revocation waits for the IdP (up to {@code OIDC_RESPONSE_TIMEOUT}), and a session
	 * whose removal queued behind them, one a thief holds maybe, would stay signed in for
	 * rounds of IdP calls. Answers how many were ended.
	 * <p>
	 * One that fails does not stop the others: one removed from the store already would
	 * never get to its revocation, and nothing could find it again; neither does a
	 * failure to list them. The first failure is answered once all have run (not the
	 * failures put together, which no handler would know for the store's).
	 */
	private <T> Mono<Long> endEach(Flux<T> sessions, Function<T, Mono<Removal>> removal) {
		return this.toTheEnd.whoeverStopsWaiting(sessions
			.flatMapDelayError((session) -> removal.apply(session).onErrorResume((ex) -> Mono.just(Removal.failed(ex))),
					CONCURRENCY, 1)
			// the sessions could not be listed
			.onErrorResume((ex) -> Mono.just(Removal.failed(ex)))
			.collectList()
			.flatMap((removals) -> Flux.fromIterable(removals)
				.flatMap(this::revoke, CONCURRENCY)
				.then(Mono.defer(() -> outcome(removals)))));
	}

	private static Mono<Long> outcome(List<Removal> removals) {
		return removals.stream()
			.map(Removal::failure)
			.filter(Objects::nonNull)
			.findFirst()
			.<Mono<Long>>map(Mono::error)
			.orElseGet(() -> Mono.just((long) removals.size()));
	}

	/**
	 * Removes the session of {@code key} by {@code removal}, forgotten under the
	 * {@code sid} and {@code sub} of its own login; a session holding none is only
	 * removed.
	 */
	private Mono<Removal> removeAsItsLogin(SessionKey key, Supplier<Mono<OAuth2RefreshToken>> removal,
			@Nullable IdpSession goingOn) {
		// Optional, not switchIfEmpty: an ending that worked completes empty too, and
		// would be followed by a second removal, which can only fail.
		return optional(this.stored.loginUser(key)).flatMap(
				(user) -> user.isPresent() ? remove(key, removal.get(), user.get().sid(), user.get().sub(), goingOn)
						: removal.get().thenReturn(Removal.NOTHING_TO_REVOKE));
	}

	/**
	 * Removes the session by {@code removal}, then forgets it, and answers the refresh
	 * token the removal took with it (a refresh may have rotated it meanwhile), to be
	 * revoked unless the session belongs to {@code goingOn} ({@code null}: none goes on).
	 * From then on this is the token's only copy, so nothing may keep it from being
	 * revoked, not even a failed removal: one that timed out may have been carried out
	 * all the same, and a retry would find no session to take the token from. For that
	 * case the token is read before.
	 */
	private Mono<Removal> remove(SessionKey key, Mono<OAuth2RefreshToken> removal, @Nullable String sid, String sub,
			@Nullable IdpSession goingOn) {
		IdpSession shared = (goingOn != null && goingOn.includes(sub, sid)) ? goingOn : null;
		return optional(this.stored.refreshToken(key)).flatMap((read) -> optional(removal)
			.flatMap((taken) -> bestEffort("session left in the back-channel registry",
					this.registry.unregister(key, sid, sub))
				.then(bestEffort("entry left in the sessions directory", this.directory.forget(key, sub)))
				.thenReturn(new Removal(taken, shared, null)))
			.onErrorResume((ex) -> Mono.just(new Removal(read, shared, ex))));
	}

	private Mono<Void> revoke(Removal removal) {
		return revokeUnlessGoesOn(removal.refreshToken(), removal.shared());
	}

	/**
	 * Revokes {@code refreshToken} unless its session shares {@code shared} with the
	 * session that goes on ({@code null}: shares none), and the IdP has not logged that
	 * IdP session out. Asked last, once the session is out of the store: a back-channel
	 * logout recorded by then is ending the session that seemed to go on, whether or not
	 * it has yet; one recorded later ends an IdP session that went on when this session
	 * ended. Not knowing (the registry failing), the session goes on
	 * ({@link SessionRegistry#loggedOutAsFarAsKnown}).
	 */
	private Mono<Void> revokeUnlessGoesOn(Optional<OAuth2RefreshToken> refreshToken, @Nullable IdpSession shared) {
		if (refreshToken.isEmpty() || shared == null) {
			return revoke(refreshToken);
		}
		return this.registry.loggedOutAsFarAsKnown(shared)
			.flatMap((loggedOut) -> loggedOut ? revoke(refreshToken) : Mono.empty());
	}

	private static <T> Mono<Optional<T>> optional(Mono<T> value) {
		return value.map(Optional::of).defaultIfEmpty(Optional.empty());
	}

	/**
	 * A left-over entry names a session that no longer exists: the registry's goes at its
	 * expiry, the directory's at the next list. Neither is worth failing the ending.
	 */
	private static Mono<Void> bestEffort(String consequence, Mono<Void> step) {
		return step.onErrorResume((ex) -> {
			log.warn("session ended: {} ({})", consequence, ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	private Mono<Void> revoke(Optional<OAuth2RefreshToken> refreshToken) {
		return Mono.defer(() -> refreshToken.map(this::revoke).orElse(Mono.empty()));
	}

	private Mono<Void> revoke(OAuth2RefreshToken refreshToken) {
		return this.registrations.registration()
			.flatMap((registration) -> this.revoker.revoke(registration, refreshToken))
			.onErrorResume((ex) -> {
				log.warn("refresh token of an ended session not revoked: {}", ex.getClass().getSimpleName());
				return Mono.empty();
			});
	}

	/**
	 * What a session's removal leaves to do: revoke {@code refreshToken} (the one the
	 * removal took, or the one read before a removal that failed) unless the session
	 * shares {@code shared} with the session that goes on, and then answer
	 * {@code failure}, the removal's, if it failed.
	 */
	private record Removal(Optional<OAuth2RefreshToken> refreshToken, @Nullable IdpSession shared,
			@Nullable Throwable failure) {

		/** A session removed that held no login, or one that was gone already. */
		static final Removal NOTHING_TO_REVOKE = new Removal(Optional.empty(), null, null);

		/** Nothing removed, nothing read: {@code failure} came first. */
		static Removal failed(Throwable failure) {
			return new Removal(Optional.empty(), null, failure);
		}

	}

}
