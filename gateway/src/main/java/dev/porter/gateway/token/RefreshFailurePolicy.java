package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.porter.common.WallClockWaits;
import dev.porter.gateway.problem.StoreFailures;
import dev.porter.gateway.redis.InstanceClocks;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * What a failed refresh means. For the session: a refusal that no retry changes
 * ({@code invalid_grant} or {@code token_inactive}, an MFA or consent demand, an
 * {@code invalid_request} not answered with 401) ends it, and so does a second
 * {@code access_denied} in a row; any other failure (timeout, 5xx, 429, unreachable, a
 * rejected or unauthorized client, a first {@code access_denied}) makes it back off,
 * twice as long after each failure in a row up to {@code TOKEN_REFRESH_BACKOFF_MAX}. For
 * a request that got no fresh token: it relays its access token while that outlives the
 * relayed call, and otherwise gets {@code 503} with {@code Retry-After}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749, 5.2</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#AuthError">OIDC
 * Core, 3.1.2.6</a>
 */
class RefreshFailurePolicy {

	/**
	 * The refresh token is dead at the IdP: {@code invalid_grant}, and
	 * {@code token_inactive}, some Ory Hydra (fosite) versions' answer to a reused or
	 * rotated-away refresh token.
	 */
	private static final Set<String> DEAD_TOKEN = Set.of(OAuth2ErrorCodes.INVALID_GRANT, "token_inactive");

	/**
	 * Answers about the user's grant, not the IdP's health: the user has to sign in again
	 * (to pass MFA, consent, or be let in at all), however often the refresh is retried.
	 * Auth0 sends {@code mfa_required} when an Action demands MFA on refresh.
	 */
	private static final Set<String> REFUSALS = Set.of("mfa_required", "interaction_required", "login_required",
			"consent_required", "account_selection_required", OAuth2ErrorCodes.INVALID_SCOPE);

	/**
	 * The longest wait a token endpoint's {@code Retry-After} or
	 * {@code X-RateLimit-Reset} is obeyed for, as profile-service's token client does: a
	 * misconfigured or hostile header cannot hold every session off for hours.
	 */
	static final Duration MAX_ASKED_WAIT = Duration.ofMinutes(5);

	private final TokenProperties properties;

	private final AccessTokenExpiry expiry;

	private final Clock clock;

	RefreshFailurePolicy(TokenProperties properties, AccessTokenExpiry expiry, Clock clock) {
		this.properties = properties;
		this.expiry = expiry;
		this.clock = clock;
	}

	/** What becomes of the session whose refresh call failed with {@code failure}. */
	Consequence afterFailure(Throwable failure, RefreshBackoff previous) {
		if (failure instanceof OAuth2AuthorizationException oauth && !isIdpFailing(oauth)) {
			String error = oauth.getError().getErrorCode();
			// The code first: it names the grant's fate whatever the status came with it.
			if (DEAD_TOKEN.contains(error) || REFUSALS.contains(error)) {
				return new EndSession(error);
			}
			if (rejectsTheClient(oauth)) {
				return backOff(previous, failure, true, false);
			}
			if (OAuth2ErrorCodes.INVALID_REQUEST.equals(error)) {
				// The refresh request is the same every time, so what the IdP finds wrong
				// with it no retry changes. Dex answers a dead refresh token (revoked,
				// expired, rotated away) so, not with invalid_grant; a 401 with it is the
				// client's authentication, read above.
				return new EndSession(error);
			}
			if (OAuth2ErrorCodes.ACCESS_DENIED.equals(error)) {
				// Auth0 runs its post-login Actions on refresh, and answers both an
				// Action's api.access.deny() and an Action that failed (an uncaught
				// error, an API it calls timing out) with access_denied: a first one may
				// be a passing failure and backs off; a second in a row, after it, ends.
				return previous.lastDenied() ? new EndSession(error) : backOff(previous, failure, false, true);
			}
		}
		return backOff(previous, failure, false, false);
	}

	/**
	 * The session's next backoff: its own, doubling with each failure in a row, or longer
	 * when the token endpoint asked for a longer wait (up to {@link #MAX_ASKED_WAIT}): a
	 * rate-limited tenant's bucket is shared by every session and by the logins, and an
	 * attempt before it refills only empties it again. Per session, not gateway-wide: a
	 * 429 may be one user's, and a gateway-wide pause would let her stop everyone's
	 * refreshes.
	 */
	private BackOff backOff(RefreshBackoff previous, Throwable failure, boolean clientRejected, boolean denied) {
		Instant now = this.clock.instant();
		RefreshBackoff next = previous.afterFailure(now, this.properties.refreshBackoff(),
				this.properties.refreshBackoffMax(), denied);
		Duration asked = (failure instanceof TokenEndpointError answer) ? answer.askedWait() : null;
		if (asked != null) {
			Instant askedUntil = now.plus((asked.compareTo(MAX_ASKED_WAIT) > 0) ? MAX_ASKED_WAIT : asked);
			if (askedUntil.isAfter(next.notBefore())) {
				next = new RefreshBackoff(next.failures(), askedUntil, denied);
			}
		}
		return new BackOff(next, clientRejected);
	}

	/** A 5xx or 429 says the IdP is failing now, whatever error code it came with. */
	private static boolean isIdpFailing(OAuth2AuthorizationException failure) {
		return failure instanceof TokenEndpointError answer && (answer.status().is5xxServerError()
				|| answer.status().value() == HttpStatus.TOO_MANY_REQUESTS.value());
	}

	/**
	 * The gateway's own client was rejected: every session fails alike, and a new login
	 * would not help. {@code invalid_client} says so, and {@code unauthorized_client}
	 * that the client may not use the refresh grant at all. Past the codes that name the
	 * grant's fate ({@link #afterFailure} reads them first), RFC 6749 reserves
	 * {@code 401} for a client that failed to authenticate: Auth0 answers a wrong client
	 * secret with {@code 401 access_denied}, Keycloak with
	 * {@code 401 unauthorized_client}.
	 */
	private static boolean rejectsTheClient(OAuth2AuthorizationException failure) {
		String error = failure.getError().getErrorCode();
		return OAuth2ErrorCodes.INVALID_CLIENT.equals(error) || OAuth2ErrorCodes.UNAUTHORIZED_CLIENT.equals(error)
				|| (failure instanceof TokenEndpointError answer
						&& answer.status().value() == HttpStatus.UNAUTHORIZED.value());
	}

	/**
	 * What is left of a session's backoff now; zero once it is over. Its end is an
	 * instant on the wall clock of the instance that failed, kept in the session: one
	 * further ahead than the longest backoff there is ({@code TOKEN_REFRESH_BACKOFF_MAX},
	 * or a wait the token endpoint asked for, up to {@link #MAX_ASKED_WAIT}) and
	 * {@link InstanceClocks#SKEW_ALLOWANCE} was set before the clock stepped back (NTP, a
	 * VM restored), and is over ({@link WallClockWaits}), rather than holding every
	 * refresh off for the length of the step. The allowance is there because another
	 * instance may read the backoff (the session is shared through Redis), and one whose
	 * clock is behind the writer's sees the wait longer by the difference: without it, a
	 * wait of the longest length read a few seconds behind looked set before a step back,
	 * was taken as over, and the refresh went into the rate limit the IdP had announced.
	 */
	Duration backingOff(RefreshBackoff backoff) {
		Duration longest = this.properties.refreshBackoffMax();
		if (MAX_ASKED_WAIT.compareTo(longest) > 0) {
			longest = MAX_ASKED_WAIT;
		}
		return WallClockWaits.left(this.clock.instant(), backoff.notBefore(),
				longest.plus(InstanceClocks.SKEW_ALLOWANCE));
	}

	/**
	 * How long a request that got no fresh token because of {@code failure} should wait
	 * before it asks again.
	 */
	Duration retryAfter(@Nullable Throwable failure) {
		if (failure instanceof BackingOff backingOff) {
			return backingOff.remaining();
		}
		// Still in flight (TimeoutException), no lock to be had, or no refresh could
		// start (failure null: TokenRefresher#noFreshToken(null), when the client
		// registration could not be built): ask again soon, as after a first failure,
		// not after the session's current backoff.
		return this.properties.refreshBackoff();
	}

	/**
	 * The answer for a request that cannot have a fresh token: {@code current} while its
	 * access token outlives the relayed call ({@link AccessTokenExpiry#RELAY_MARGIN}),
	 * otherwise a {@link RefreshUnavailable}, or the session store's failure itself when
	 * that is why (the lock, the session's re-read): the store's to answer and log, not
	 * the IdP's.
	 */
	Mono<OAuth2AuthorizedClient> withoutFreshToken(OAuth2AuthorizedClient current, Duration retryAfter,
			@Nullable Throwable cause) {
		if (this.expiry.isRelayable(current.getAccessToken())) {
			return Mono.just(current);
		}
		return noFreshToken(retryAfter, cause);
	}

	/**
	 * The answer for a request that cannot have a fresh token and has no other to relay
	 * (its own expired, or refused by the API): a {@link RefreshUnavailable}, or the
	 * session store's failure itself when that is why.
	 */
	<T> Mono<T> noFreshToken(Duration retryAfter, @Nullable Throwable cause) {
		if (cause != null && StoreFailures.isStoreFailure(cause)) {
			return Mono.error(cause);
		}
		return Mono.error(new RefreshUnavailable(retryAfter, cause));
	}

	/** What a failed refresh call does to its session. */
	sealed interface Consequence permits EndSession, BackOff {

	}

	/**
	 * The IdP refused the refresh for good, with the OAuth {@code error} code: the
	 * session ends.
	 */
	record EndSession(String error) implements Consequence {

		/**
		 * Whether the refresh token may still work at the IdP: only {@code invalid_grant}
		 * and {@code token_inactive} say it is dead; a denial or an MFA demand may be
		 * lifted, and {@code invalid_request} does not say what the IdP found wrong.
		 */
		boolean tokenMayLive() {
			return !DEAD_TOKEN.contains(this.error);
		}

	}

	/**
	 * The IdP could not refresh now: no attempt for this session before {@code next}.
	 * {@code clientRejected} when the fault is the gateway's client credentials.
	 */
	record BackOff(RefreshBackoff next, boolean clientRejected) implements Consequence {
	}

}
