package dev.porter.gateway.token;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
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
 * Refreshes a session's access token, once for all the requests that need it at the same
 * time: the first starts the refresh and the others subscribe to it (single flight per
 * session id). Refresh tokens rotate, so two parallel refreshes would present the same
 * refresh token twice and the IdP would revoke the whole family. {@code invalid_grant}
 * ends the session; any other failure relays the old token while it is still valid.
 */
class TokenRefresher {

	private static final Logger log = LoggerFactory.getLogger(TokenRefresher.class);

	private final Map<String, Mono<OAuth2AuthorizedClient>> inFlight = new ConcurrentHashMap<>();

	private final ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> tokenClient;

	private final SessionTokens tokens;

	private final RefreshLock lock;

	private final TokenProperties properties;

	private final RefreshMetrics metrics;

	TokenRefresher(ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> tokenClient,
			SessionTokens tokens, RefreshLock lock, TokenProperties properties, RefreshMetrics metrics) {
		this.tokenClient = tokenClient;
		this.tokens = tokens;
		this.lock = lock;
		this.properties = properties;
		this.metrics = metrics;
	}

	boolean needsRefresh(OAuth2AccessToken token) {
		Instant expiresAt = token.getExpiresAt();
		return expiresAt != null && !Instant.now().plus(this.properties.refreshAhead()).isBefore(expiresAt);
	}

	/** A fresh client for the session: the shared in-flight refresh, or a new one. */
	Mono<OAuth2AuthorizedClient> refresh(ServerWebExchange exchange, Authentication authentication) {
		return exchange.getSession().flatMap((session) -> join(session.getId(), exchange, authentication));
	}

	private Mono<OAuth2AuthorizedClient> join(String sessionId, ServerWebExchange exchange,
			Authentication authentication) {
		AtomicBoolean started = new AtomicBoolean();
		Mono<OAuth2AuthorizedClient> flight = this.inFlight.computeIfAbsent(sessionId, (id) -> {
			started.set(true);
			return start(id, exchange, authentication);
		});
		if (!started.get()) {
			this.metrics.coalesced();
		}
		return flight;
	}

	private Mono<OAuth2AuthorizedClient> start(String sessionId, ServerWebExchange exchange,
			Authentication authentication) {
		AtomicReference<Mono<OAuth2AuthorizedClient>> self = new AtomicReference<>();
		// cache(): every waiter gets the one result, and a waiter's cancel cannot abort a
		// refresh whose rotated
		// refresh token must still be stored.
		Mono<OAuth2AuthorizedClient> flight = this.lock
			.whileHolding(sessionId, () -> refreshUnderLock(exchange, authentication))
			.doFinally((signal) -> this.inFlight.remove(sessionId, self.get()))
			.cache();
		self.set(flight);
		return flight;
	}

	private Mono<OAuth2AuthorizedClient> refreshUnderLock(ServerWebExchange exchange, Authentication authentication) {
		return this.tokens.reload(exchange, authentication)
			.switchIfEmpty(Mono.error(() -> sessionEnded(null)))
			.flatMap((current) -> {
				if (!needsRefresh(current.getAccessToken())) {
					// Another request or instance refreshed while we waited for the lock.
					this.metrics.coalesced();
					return Mono.just(current);
				}
				return callIdp(current)
					.flatMap((fresh) -> this.tokens.save(exchange, authentication, fresh).thenReturn(fresh))
					.onErrorResume((ex) -> onFailure(ex, current, exchange));
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

	private Mono<OAuth2AuthorizedClient> onFailure(Throwable ex, OAuth2AuthorizedClient current,
			ServerWebExchange exchange) {
		this.metrics.failed();
		if (ex instanceof OAuth2AuthorizationException oauth
				&& OAuth2ErrorCodes.INVALID_GRANT.equals(oauth.getError().getErrorCode())) {
			log.info("refresh token rejected (invalid_grant): ending the session");
			return exchange.getSession().flatMap(WebSession::invalidate).then(Mono.error(sessionEnded(ex)));
		}
		log.warn("access token refresh failed: {}", ex.getClass().getSimpleName());
		Instant expiresAt = current.getAccessToken().getExpiresAt();
		if (expiresAt != null && Instant.now().isBefore(expiresAt)) {
			return Mono.just(current);
		}
		return Mono.error(new ProblemException(Problems.identityProviderUnavailable(), ex));
	}

	private static ProblemException sessionEnded(@Nullable Throwable cause) {
		return new ProblemException(Problems.loginRequired("Your session has ended; sign in again"), cause);
	}

}
