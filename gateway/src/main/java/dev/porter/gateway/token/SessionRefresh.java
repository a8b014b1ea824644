package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.LoginUser;
import dev.porter.gateway.session.SessionKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.web.server.WebSession;

/**
 * One refresh of a session's tokens, as the session's single flight runs it under the
 * session's {@link RefreshLock}. It works on the stored session, not on a request's copy:
 * another request or instance may have refreshed, or failed, while this one waited for
 * the lock. It calls the IdP only when the token still needs it (it is due, or the API
 * refused it) and the session is not backing off, and stores what came of the call (fresh
 * tokens, or the next backoff).
 */
class SessionRefresh {

	/**
	 * How long before its lock's lease ends a refresh stops trying to store its result
	 * ({@link #store}): time for a write already sent to land, and for the lease, which
	 * Redis started counting when it took the {@code SET}, to be still held then.
	 */
	static final Duration STORE_MARGIN = Duration.ofSeconds(5);

	private static final Duration STORE_FIRST_BACKOFF = Duration.ofMillis(100);

	private static final Duration STORE_MAX_BACKOFF = Duration.ofSeconds(1);

	private static final Logger log = LoggerFactory.getLogger(SessionRefresh.class);

	private final SessionTokens tokens;

	private final IdpRefreshCall idp;

	private final AccessTokenExpiry expiry;

	private final RefreshFailurePolicy failures;

	private final RefreshMetrics metrics;

	private final TokenRevoker revoker;

	private final Clock clock;

	private final RefreshFailureLog failureLog;

	private final IdpSessionGoesOn idpSessionGoesOn;

	private final RenewedTokenRefusalLog refusedAgain;

	private final Duration lease;

	/**
	 * @param lease how long a refresh holds its session's lock
	 * ({@link TokenProperties#lockLease()}), from the moment {@link #run} is called
	 * @param refusedAgain where a refusal of a token renewed on a refusal is reported
	 */
	SessionRefresh(SessionTokens tokens, IdpRefreshCall idp, AccessTokenExpiry expiry, RefreshFailurePolicy failures,
			RefreshMetrics metrics, TokenRevoker revoker, IdpSessionGoesOn idpSessionGoesOn,
			RenewedTokenRefusalLog refusedAgain, Duration lease, Clock clock) {
		this.tokens = tokens;
		this.refusedAgain = refusedAgain;
		this.lease = lease;
		this.idpSessionGoesOn = idpSessionGoesOn;
		this.idp = idp;
		this.expiry = expiry;
		this.failures = failures;
		this.metrics = metrics;
		this.revoker = revoker;
		this.clock = clock;
		this.failureLog = new RefreshFailureLog(clock);
	}

	/**
	 * The session's refreshed client; fails with {@link SessionEnded} when the session is
	 * over and with {@link BackingOff} when no attempt may reach the IdP yet. Called as
	 * soon as the session's lock is taken: its lease counts from here.
	 * @param refused the access token the API refused, which is refreshed though not yet
	 * due while the session holds it, unless it came of such a refresh itself (the API
	 * refused the renewed token too: another one would fare no better); {@code null} for
	 * a token due for its refresh
	 */
	Mono<OAuth2AuthorizedClient> run(WebSession session, @Nullable String refused) {
		Instant storeUntil = this.clock.instant().plus(this.lease).minus(STORE_MARGIN);
		return this.tokens.reload(session).switchIfEmpty(Mono.error(() -> new SessionEnded(null))).flatMap((stored) -> {
			boolean due = this.expiry.needsRefresh(stored.client().getAccessToken());
			boolean refusedNow = stored.client().getAccessToken().getTokenValue().equals(refused);
			// A due token is refreshed as due, refusal or not. TokenRefresher's check of
			// the request's copy, ahead of the lock, lets the refusal stand whether due
			// or not: see there.
			if (!due && stored.refusalStands(refused)) {
				// The refusal stands: the caller relays the API's answer as it is.
				this.refusedAgain.refusedAgain();
				return Mono.just(stored.client());
			}
			if (!due && !refusedNow) {
				// Another request or instance refreshed while we waited for the lock.
				this.metrics.coalesced();
				return Mono.just(stored.client());
			}
			Duration backingOff = this.failures.backingOff(stored.backoff());
			if (!backingOff.isZero()) {
				// Another instance failed meanwhile: its backoff holds here too.
				this.metrics.deferred();
				return Mono.error(new BackingOff(backingOff));
			}
			if (!due) {
				log.debug("the API refused an access token not yet due: refreshing it now");
			}
			// Read now: in memory, the session's ending empties the one session object.
			LoginUser login = LoginUser.in(session);
			return this.idp.refresh(stored.client()).doOnNext((fresh) -> {
				this.metrics.done();
				log.debug("access token refreshed");
			})
				.onErrorResume((ex) -> failed(ex, session, stored))
				.flatMap((fresh) -> store(session, login, fresh, !due, storeUntil));
		});
	}

	/**
	 * Stores what the IdP answered, trying again while the store fails (Redis in a
	 * failover): the IdP has already rotated the refresh token, so a session left with
	 * the old one would be ended by its next refresh, by the IdP's reuse detection. The
	 * tries go on while the session's lock is held ({@code storeUntil}: the lease less
	 * {@link #STORE_MARGIN}), so that no other instance presents the old token meanwhile;
	 * the requests waiting for the refresh stop at {@code TOKEN_REFRESH_WAIT} as for any
	 * slow refresh. Given up then, the fresh tokens are still its result. Stored, they
	 * are its result only while the session holds them ({@link #unlessEnded}).
	 */
	private Mono<OAuth2AuthorizedClient> store(WebSession session, @Nullable LoginUser login,
			IdpRefreshCall.Refreshed fresh, boolean onRefusal, Instant storeUntil) {
		Duration left = Duration.between(this.clock.instant(), storeUntil);
		return Mono.defer(() -> this.tokens.store(session, fresh, onRefusal))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, STORE_FIRST_BACKOFF).maxBackoff(STORE_MAX_BACKOFF))
			.timeout(left.isNegative() ? Duration.ZERO : left)
			.thenReturn(true)
			.onErrorResume((ex) -> {
				this.metrics.unstored();
				log.error(
						"refreshed tokens could not be stored while the refresh lock's lease lasted ({}): the "
								+ "session keeps its used refresh token, which the IdP may reject at the next refresh",
						ex.getClass().getSimpleName());
				return Mono.just(false);
			})
			.flatMap((stored) -> stored ? unlessEnded(session, login, fresh) : Mono.just(fresh.client()));
	}

	/**
	 * The fresh tokens, unless the session ended while its refresh was at the IdP (a
	 * logout, an ending from another device or the IdP): then the store wrote nothing
	 * into it, and the refresh fails as the session's requests from then on do
	 * ({@link SessionEnded}, {@code 401}). The requests that waited for it are not
	 * relayed with a token minted after the ending: the user was told her session ended
	 * (the {@code 204} of {@code DELETE /bff/sessions/{id}}), and a change it carried
	 * must not be applied.
	 * <p>
	 * The ending revoked the refresh token it read, which the IdP rotated away, so the
	 * rotated one, held by nobody, is revoked here ({@link #revokeUnlessGoesOn}).
	 */
	private Mono<OAuth2AuthorizedClient> unlessEnded(WebSession session, @Nullable LoginUser login,
			IdpRefreshCall.Refreshed fresh) {
		return this.tokens.stillHeld(session)
			.flatMap((held) -> held ? Mono.just(fresh.client())
					: revokeUnlessGoesOn(session, login, fresh).then(Mono.error(new SessionEnded(null))));
	}

	/**
	 * Revokes the rotated refresh token of a session that ended during its refresh,
	 * unless the session ended because the browser signed in again within its IdP
	 * session, which goes on in the new login ({@link IdpSessionGoesOn}): the ending left
	 * the replaced session's token unrevoked for that reason, and so does this.
	 */
	private Mono<Void> revokeUnlessGoesOn(WebSession session, @Nullable LoginUser login,
			IdpRefreshCall.Refreshed fresh) {
		return goesOnElsewhere(session, login).flatMap((spared) -> spared ? Mono.<Void>empty() : Mono.defer(() -> {
			log.info("session ended during its refresh: revoking the rotated refresh token");
			return this.revoker.revoke(fresh.client());
		}))
			// The session has ended whatever became of the revocation.
			.onErrorResume((ex) -> Mono.empty());
	}

	/**
	 * Whether the ended session's IdP session goes on in another session; when that is
	 * not known (the login unknown, the registry failing), not.
	 */
	private Mono<Boolean> goesOnElsewhere(WebSession session, @Nullable LoginUser login) {
		if (login == null) {
			return Mono.just(false);
		}
		SessionKey ended = SessionKey.of(session.getId());
		return this.idpSessionGoesOn.elsewhere(ended, IdpSession.of(login)).map((goesOn) -> {
			if (goesOn) {
				log.info("session replaced during its refresh by a login of its IdP session: "
						+ "the rotated refresh token is left to expire");
			}
			return goesOn;
		}).onErrorReturn(false);
	}

	private <T> Mono<T> failed(Throwable ex, WebSession session, SessionTokens.Stored stored) {
		this.metrics.failed();
		if (ex instanceof RefreshedForAnotherUser anotherUser) {
			log.warn("the ID token of a refresh names another sub than the login's (OIDC Core 12.2): "
					+ "ending the session and revoking the refresh token it brought");
			return end(session, this.revoker.revoke(anotherUser.fresh()), ex);
		}
		RefreshFailurePolicy.Consequence consequence = this.failures.afterFailure(ex, stored.backoff());
		if (consequence instanceof RefreshFailurePolicy.BackOff backOff) {
			RefreshBackoff next = backOff.next();
			Duration remaining = this.failures.backingOff(next);
			if (backOff.clientRejected()) {
				this.failureLog.clientRejected(describe(ex), remaining);
			}
			else {
				this.failureLog.failed(describe(ex), remaining);
			}
			// A session that ended meanwhile stores nothing, and is over: its requests
			// get no token, not even the one still valid.
			return this.tokens.store(session, next)
				.then(this.tokens.stillHeld(session))
				.flatMap((held) -> Mono.error(held ? new BackingOff(remaining) : new SessionEnded(ex)));
		}
		RefreshFailurePolicy.EndSession end = (RefreshFailurePolicy.EndSession) consequence;
		log.info("refresh refused ({}): ending the session", end.error());
		return end(session, end.tokenMayLive() ? this.revoker.revoke(stored.client()) : Mono.empty(), ex);
	}

	/**
	 * Ends the session for good, with {@code revocation} of the refresh token that may
	 * still work: its only copy goes with the session, as wherever else a session ends,
	 * revoked even if the removal failed, which may have been carried out all the same.
	 */
	private static <T> Mono<T> end(WebSession session, Mono<Void> revocation, Throwable cause) {
		return session.invalidate()
			.onErrorResume((removal) -> revocation.then(Mono.error(removal)))
			.then(revocation)
			.then(Mono.error(new SessionEnded(cause)));
	}

	/** What failed, without the IdP's description: it may quote what the user sent. */
	private static String describe(Throwable ex) {
		if (ex instanceof SentCallTimeout.NotSent) {
			return "not sent in time: no connection to the IdP";
		}
		if (ex instanceof TimeoutException) {
			return "no answer in time";
		}
		if (ex instanceof TokenEndpointError answer) {
			return answer.status().value() + " " + answer.getError().getErrorCode();
		}
		if (ex instanceof OAuth2AuthorizationException oauth) {
			return oauth.getError().getErrorCode();
		}
		return ex.getClass().getSimpleName();
	}

}
