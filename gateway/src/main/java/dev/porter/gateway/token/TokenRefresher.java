package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * Refreshes a session's access token so that the session survives an IdP that is slow or
 * failing.
 * <ul>
 * <li>One refresh per session at a time: the first request starts it and the others share
 * it (single flight per session id; {@link RefreshLock} across instances). Refresh tokens
 * rotate, so two refreshes would present the same refresh token twice and the IdP would
 * revoke the whole family.</li>
 * <li>The refresh runs detached from the requests: a request waits for it at most
 * {@code TOKEN_REFRESH_WAIT} and then answers without it, while the call goes on (up to
 * {@code TOKEN_REFRESH_TIMEOUT}) and stores its result in the stored session. Abandoning
 * it would lose a token the IdP has already rotated, and the next attempt would trip
 * reuse detection.</li>
 * <li>After a failure (timeout, 5xx, 429, unreachable) the session backs off
 * ({@link RefreshBackoff}): until then no attempt reaches the IdP and requests are
 * answered at once.</li>
 * <li>A request that cannot get a fresh token relays its access token while it is still
 * valid, and otherwise answers {@code 503} with {@code Retry-After}.</li>
 * <li>{@code invalid_grant} ends the session ({@code 401}).</li>
 * </ul>
 */
class TokenRefresher {

	private static final Logger log = LoggerFactory.getLogger(TokenRefresher.class);

	private final Map<String, Mono<OAuth2AuthorizedClient>> inFlight = new ConcurrentHashMap<>();

	private final ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> tokenClient;

	private final SessionTokens tokens;

	private final RefreshLock lock;

	private final TokenProperties properties;

	private final RefreshMetrics metrics;

	private final Clock clock;

	TokenRefresher(ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> tokenClient,
			SessionTokens tokens, RefreshLock lock, TokenProperties properties, RefreshMetrics metrics, Clock clock) {
		this.tokenClient = tokenClient;
		this.tokens = tokens;
		this.lock = lock;
		this.properties = properties;
		this.metrics = metrics;
		this.clock = clock;
	}

	boolean needsRefresh(OAuth2AccessToken token) {
		Instant expiresAt = token.getExpiresAt();
		return expiresAt != null && !this.clock.instant().plus(this.properties.refreshAhead()).isBefore(expiresAt);
	}

	/**
	 * The client to relay with: freshly refreshed, or {@code current} while its access
	 * token is still valid and no fresh one can be had; otherwise a 503 (IdP slow or
	 * failing) or 401 (session ended) problem.
	 */
	Mono<OAuth2AuthorizedClient> refresh(ServerWebExchange exchange, OAuth2AuthorizedClient current) {
		return exchange.getSession().flatMap((session) -> {
			Duration backingOff = SessionTokens.backoff(session).remaining(this.clock.instant());
			if (!backingOff.isZero()) {
				this.metrics.deferred();
				return fallBack(current, backingOff, null);
			}
			return join(session).timeout(this.properties.refreshWait())
				.onErrorResume((ex) -> !(ex instanceof SessionEnded), (ex) -> fallBack(current, retryAfter(ex), ex));
		});
	}

	private Duration retryAfter(Throwable ex) {
		if (ex instanceof BackingOff backingOff) {
			return backingOff.remaining;
		}
		// Still in flight (TimeoutException), or no lock to be had: soon, not after a
		// failure's backoff.
		return this.properties.refreshBackoff();
	}

	private Mono<OAuth2AuthorizedClient> fallBack(OAuth2AuthorizedClient current, Duration retryAfter,
			@Nullable Throwable cause) {
		Instant expiresAt = current.getAccessToken().getExpiresAt();
		if (expiresAt != null && this.clock.instant().isBefore(expiresAt)) {
			return Mono.just(current);
		}
		return Mono.error(unavailable(retryAfter, cause));
	}

	private Mono<OAuth2AuthorizedClient> join(WebSession session) {
		AtomicBoolean started = new AtomicBoolean();
		Mono<OAuth2AuthorizedClient> flight = this.inFlight.computeIfAbsent(session.getId(), (id) -> {
			started.set(true);
			return flight(session);
		});
		if (started.get()) {
			// Detached: the refresh runs to its end (and stores its result) whoever still
			// waits for it; errors reach the waiters through cache().
			flight.subscribe((client) -> {
			}, (ex) -> {
			});
		}
		else {
			this.metrics.coalesced();
		}
		return flight;
	}

	private Mono<OAuth2AuthorizedClient> flight(WebSession session) {
		String sessionId = session.getId();
		AtomicReference<Mono<OAuth2AuthorizedClient>> self = new AtomicReference<>();
		Mono<OAuth2AuthorizedClient> flight = this.lock.whileHolding(sessionId, () -> refreshUnderLock(session))
			.doFinally((signal) -> this.inFlight.remove(sessionId, self.get()))
			.cache();
		self.set(flight);
		return flight;
	}

	private Mono<OAuth2AuthorizedClient> refreshUnderLock(WebSession session) {
		return this.tokens.reload(session).switchIfEmpty(Mono.error(() -> sessionEnded(null))).flatMap((stored) -> {
			if (!needsRefresh(stored.client().getAccessToken())) {
				// Another request or instance refreshed while we waited for the lock.
				this.metrics.coalesced();
				return Mono.just(stored.client());
			}
			Duration backingOff = stored.backoff().remaining(this.clock.instant());
			if (!backingOff.isZero()) {
				// Another instance failed meanwhile: its backoff holds here too.
				this.metrics.deferred();
				return Mono.error(new BackingOff(backingOff));
			}
			return callIdp(stored.client()).onErrorResume((ex) -> onFailure(ex, session, stored.backoff()))
				.flatMap((fresh) -> this.tokens.store(session, fresh).thenReturn(fresh));
		});
	}

	private Mono<OAuth2AuthorizedClient> callIdp(OAuth2AuthorizedClient current) {
		OAuth2RefreshToken refreshToken = current.getRefreshToken();
		if (refreshToken == null) {
			return Mono.error(new OAuth2AuthorizationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT)));
		}
		OAuth2RefreshTokenGrantRequest request = new OAuth2RefreshTokenGrantRequest(current.getClientRegistration(),
				current.getAccessToken(), refreshToken);
		return this.tokenClient.getTokenResponse(request)
			.timeout(this.properties.refreshTimeout())
			.map((response) -> updated(current, response))
			.doOnNext((fresh) -> {
				this.metrics.done();
				log.debug("access token refreshed");
			});
	}

	private static OAuth2AuthorizedClient updated(OAuth2AuthorizedClient current, OAuth2AccessTokenResponse response) {
		// Without rotation the IdP returns no new refresh token: keep the one we have.
		OAuth2RefreshToken refreshToken = (response.getRefreshToken() != null) ? response.getRefreshToken()
				: current.getRefreshToken();
		return new OAuth2AuthorizedClient(current.getClientRegistration(), current.getPrincipalName(),
				response.getAccessToken(), refreshToken);
	}

	private Mono<OAuth2AuthorizedClient> onFailure(Throwable ex, WebSession session, RefreshBackoff previous) {
		this.metrics.failed();
		if (ex instanceof OAuth2AuthorizationException oauth
				&& OAuth2ErrorCodes.INVALID_GRANT.equals(oauth.getError().getErrorCode())) {
			log.info("refresh token rejected (invalid_grant): ending the session");
			return session.invalidate().then(Mono.error(sessionEnded(ex)));
		}
		RefreshBackoff next = previous.afterFailure(this.clock.instant(), this.properties.refreshBackoff(),
				this.properties.refreshBackoffMax());
		log.warn("access token refresh failed ({}), failure {} in a row: next attempt in {}",
				(ex instanceof TimeoutException) ? "no answer in time" : ex.getClass().getSimpleName(), next.failures(),
				next.remaining(this.clock.instant()));
		return this.tokens.store(session, next).then(Mono.error(new BackingOff(next.remaining(this.clock.instant()))));
	}

	private static ProblemException unavailable(Duration retryAfter, @Nullable Throwable cause) {
		long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
		ProblemDetail problem = Problems.identityProviderUnavailable();
		problem.setDetail("Your session could not be renewed right now; try again later");
		problem.setProperty("retry_after", seconds);
		ProblemException unavailable = new ProblemException(problem, cause);
		unavailable.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		return unavailable;
	}

	private static SessionEnded sessionEnded(@Nullable Throwable cause) {
		return new SessionEnded(cause);
	}

	/** The session is over: the request gets 401 and the SPA signs in again. */
	static final class SessionEnded extends ProblemException {

		SessionEnded(@Nullable Throwable cause) {
			super(Problems.loginRequired("Your session has ended; sign in again"), cause);
		}

	}

	/** The session is backing off after failed refreshes; no attempt was made. */
	static final class BackingOff extends RuntimeException {

		private final transient Duration remaining;

		BackingOff(Duration remaining) {
			super("refresh backing off", null, false, false);
			this.remaining = remaining;
		}

	}

}
