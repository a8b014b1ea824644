package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.porter.common.SingleFlight;
import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.session.LoginTokens;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * Refreshes a session's access token for a request, so that the session survives an IdP
 * that is slow or failing. The parts, each with its own reason to change:
 * <ul>
 * <li>One refresh per session at a time: the first request starts it and the others join
 * it ({@link SingleFlight} per session id, {@link RefreshLock} across instances). Refresh
 * tokens rotate, so two refreshes would present the same refresh token twice and the IdP
 * would revoke the whole family.</li>
 * <li>The refresh itself ({@link SessionRefresh}, calling the IdP through
 * {@link IdpRefreshCall}) runs detached from the requests: a request waits for it at most
 * {@code TOKEN_REFRESH_WAIT} and then answers without it (unless its session ended
 * meanwhile: {@code 401}), while the call goes on (up to {@code TOKEN_REFRESH_TIMEOUT})
 * and stores its result in the stored session. Abandoning the call would lose a token the
 * IdP has already rotated, and the next attempt would then trip the IdP's reuse
 * detection.</li>
 * <li>What a failure means ({@link RefreshFailurePolicy}): the session backs off
 * ({@link RefreshBackoff}) and until then no attempt reaches the IdP; a request relays
 * its access token while it is still valid and otherwise gets {@code 503} with
 * {@code Retry-After}; a definitive refusal ({@code invalid_grant}, {@code mfa_required},
 * ...) ends the session ({@code 401}).</li>
 * </ul>
 * Every decision reads the injected {@link Clock}; the waits are Reactor timers.
 */
class TokenRefresher {

	private final SingleFlight<String, OAuth2AuthorizedClient> flights;

	private final SessionTokens tokens;

	private final RefreshLock lock;

	private final SessionRefresh sessionRefresh;

	private final AccessTokenExpiry expiry;

	private final RefreshFailurePolicy failures;

	private final RefreshMetrics metrics;

	private final RenewedTokenRefusalLog refusedAgain;

	private final Duration wait;

	/**
	 * Runs a request's wait for the refresh: Reactor's parallel scheduler, or a test's
	 * virtual time.
	 */
	private final Scheduler timers;

	TokenRefresher(IdpRefreshCall idp, SessionTokens tokens, RefreshLock lock, TokenProperties properties,
			RefreshMetrics metrics, TokenRevoker revoker, IdpSessionGoesOn idpSessionGoesOn, Clock clock,
			Scheduler timers) {
		this.expiry = new AccessTokenExpiry(clock, properties.refreshAhead());
		this.failures = new RefreshFailurePolicy(properties, this.expiry, clock);
		this.refusedAgain = new RenewedTokenRefusalLog(clock);
		this.sessionRefresh = new SessionRefresh(tokens, idp, this.expiry, this.failures, metrics, revoker,
				idpSessionGoesOn, this.refusedAgain, properties.lockLease(), clock);
		this.flights = new SingleFlight<>(metrics::coalesced);
		this.tokens = tokens;
		this.lock = lock;
		this.metrics = metrics;
		this.wait = properties.refreshWait();
		this.timers = timers;
	}

	/** Completes once the refreshes in flight now have ended (stored or failed). */
	Mono<Void> refreshesEnded() {
		return this.flights.callsEnded();
	}

	/** Whether the session's access token is due for a refresh. */
	boolean needsRefresh(LoginTokens held) {
		return this.expiry.needsRefresh(held.issuedAt(), held.expiresAt());
	}

	/**
	 * Whether the session's access token may still be relayed: it outlives the relayed
	 * call ({@link AccessTokenExpiry#RELAY_MARGIN}).
	 */
	boolean isRelayable(LoginTokens held) {
		return this.expiry.isRelayable(held.issuedAt(), held.expiresAt());
	}

	/**
	 * The access token of a session that holds no refresh token, due for a refresh that
	 * cannot be had (an Auth0 API without offline access, {@code offline_access} not
	 * granted, Google): relayed while it outlives the relayed call, without asking the
	 * IdP, and then the session is over, as nothing can renew it.
	 */
	Mono<String> withoutRefreshToken(ServerWebExchange exchange, LoginTokens held) {
		if (isRelayable(held)) {
			return Mono.just(held.accessToken());
		}
		return exchange.getSession().flatMap(WebSession::invalidate).then(Mono.error(() -> new SessionEnded(null)));
	}

	/**
	 * The client to relay with: freshly refreshed, or {@code current} while its access
	 * token is still valid and no fresh one can be had; otherwise a 503 (IdP slow or
	 * failing) or 401 (session ended) problem.
	 */
	Mono<OAuth2AuthorizedClient> refresh(ServerWebExchange exchange, OAuth2AuthorizedClient current) {
		return refresh(exchange, current, null);
	}

	/**
	 * The client to relay with once the API refused {@code refused} (RFC 6750
	 * {@code invalid_token}), the access token of {@code current}: refreshed at once
	 * though not yet due, in the session's one refresh at a time, as an expiring token
	 * is; or as stored, when another request renewed it meanwhile, or when the refusal
	 * stands (the refused token came of such a refresh: {@link SessionRefresh#run}).
	 * Otherwise a 503 (IdP slow or failing) or 401 (session ended) problem: never
	 * {@code current}, which the API would refuse again, unless the refusal stands.
	 * <p>
	 * That it stands is seen in the request's copy of the session first, which holds the
	 * refused token as renewed on a refusal: then neither the session's refresh nor its
	 * lock is asked (an API that refuses every token cost each request a {@code SET NX},
	 * a read of the session and an {@code EVAL} in Redis, and queued a session's requests
	 * across the instances).
	 */
	Mono<OAuth2AuthorizedClient> refreshRefused(ServerWebExchange exchange, OAuth2AuthorizedClient current,
			String refused) {
		return refresh(exchange, current, refused);
	}

	/**
	 * The answer for a request whose token the API refused when no refresh could even
	 * start (the client registration could not be built: the IdP's discovery failed): 503
	 * with {@code Retry-After}, as after a first failure.
	 */
	<T> Mono<T> noFreshToken(@Nullable Throwable cause) {
		return this.failures.noFreshToken(this.failures.retryAfter(cause), cause);
	}

	private Mono<OAuth2AuthorizedClient> refresh(ServerWebExchange exchange, OAuth2AuthorizedClient current,
			@Nullable String refused) {
		return exchange.getSession().flatMap((session) -> {
			// Due or not, unlike the same rule under the lock (SessionRefresh#run): a
			// request relays a due token only when its refresh could not be had just
			// then (failed, backing off, past the wait). Asking the lock too for a due
			// one would answer it 503 (backing off) or call the IdP again, where it now
			// gets the API's 401 as a token not due does; no test pins either, so the
			// two stay as they are.
			if (refused != null && SessionTokens.refusalStands(session, refused)) {
				this.refusedAgain.refusedAgain();
				return Mono.just(current);
			}
			Duration backingOff = this.failures.backingOff(SessionTokens.backoff(session));
			if (!backingOff.isZero()) {
				this.metrics.deferred();
				return withoutFreshToken(current, refused, backingOff, null);
			}
			return sessionRefresh(session, refused, true)
				.onErrorResume((ex) -> !(ex instanceof SessionEnded),
						(ex) -> withoutFreshToken(current, refused, this.failures.retryAfter(ex), ex))
				.timeout(this.wait, pastTheWait(session, current, refused), this.timers);
		});
	}

	/**
	 * The session's one refresh: the one in flight, or one started now. The token
	 * {@code refused} back from a refresh this request joined is asked for once more
	 * ({@code askAgain}): that refresh may have been started for a token due, knowing of
	 * no refusal, and found the refused one stored and fresh; only a refresh that knows
	 * of the refusal decides whether it stands ({@link SessionRefresh#run}). Without, the
	 * request relayed the API's 401 as if its refusal stood, though the token had never
	 * been renewed.
	 */
	private Mono<OAuth2AuthorizedClient> sessionRefresh(WebSession session, @Nullable String refused,
			boolean askAgain) {
		String sessionId = session.getId();
		AtomicBoolean started = new AtomicBoolean();
		Mono<OAuth2AuthorizedClient> refresh = this.flights.join(sessionId, () -> {
			started.set(true);
			return this.lock.whileHolding(sessionId, () -> this.sessionRefresh.run(session, refused));
		});
		if (refused == null || !askAgain) {
			return refresh;
		}
		return refresh.flatMap((client) -> (!started.get() && refused.equals(client.getAccessToken().getTokenValue()))
				? sessionRefresh(session, refused, false) : Mono.just(client));
	}

	/**
	 * {@code current} while it may be relayed, as {@link RefreshFailurePolicy} decides;
	 * never when the API refused it.
	 */
	private Mono<OAuth2AuthorizedClient> withoutFreshToken(OAuth2AuthorizedClient current, @Nullable String refused,
			Duration retryAfter, @Nullable Throwable cause) {
		return (refused != null) ? this.failures.noFreshToken(retryAfter, cause)
				: this.failures.withoutFreshToken(current, retryAfter, cause);
	}

	/**
	 * The answer for a request whose refresh outlasted its wait: {@code current}, as
	 * after a failed refresh, unless the session ended while the request waited (a
	 * logout, an ending from another device or the IdP), which the refresh, still at the
	 * IdP, will find only when it ends. Then the request is answered as the session's
	 * requests are from then on ({@link SessionEnded}, {@code 401}), and nothing is
	 * relayed: the user was told her session ended (the {@code 204} of {@code DELETE
	 * /bff/sessions/{id}}), and a change it carried must not be applied. Asked only once
	 * the wait is over: a request answered in time costs no extra read.
	 */
	private Mono<OAuth2AuthorizedClient> pastTheWait(WebSession session, OAuth2AuthorizedClient current,
			@Nullable String refused) {
		return Mono.defer(() -> this.tokens.stillHeld(session).flatMap((held) -> {
			if (!held) {
				return Mono.error(new SessionEnded(null));
			}
			TimeoutException stillInFlight = new TimeoutException("refresh still in flight after " + this.wait);
			return withoutFreshToken(current, refused, this.failures.retryAfter(stillInFlight), stillInFlight);
		}));
	}

}
