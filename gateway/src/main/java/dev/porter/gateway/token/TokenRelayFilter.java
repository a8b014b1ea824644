package dev.porter.gateway.token;

import java.util.Optional;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.server.ServerWebExchange;

/**
 * Relays the session's access token to the API as {@code Authorization: Bearer},
 * refreshing it first when it is about to expire. Unlike Spring Cloud Gateway's
 * {@code TokenRelay}, a request without a token is not forwarded (401 problem), and
 * whatever credentials the browser sent ({@code Cookie}, {@code Authorization}, the XSRF
 * header) never reach the API.
 */
public class TokenRelayFilter implements GatewayFilter, Ordered {

	/**
	 * After the rate limit and before the circuit breaker, because a failed refresh is
	 * not a failure of the upstream.
	 */
	public static final int ORDER = 20;

	private final SessionTokens tokens;

	private final TokenRefresher refresher;

	TokenRelayFilter(SessionTokens tokens, TokenRefresher refresher) {
		this.tokens = tokens;
		this.refresher = refresher;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return exchange.getPrincipal()
			.filter(Authentication.class::isInstance)
			.cast(Authentication.class)
			.flatMap((authentication) -> accessToken(exchange, authentication))
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((token) -> token.map((value) -> chain.filter(relay(exchange, value)))
				.orElseGet(() -> Mono.error(noToken())));
	}

	private Mono<String> accessToken(ServerWebExchange exchange, Authentication authentication) {
		return this.tokens.load(exchange, authentication)
			.flatMap((client) -> this.refresher.needsRefresh(client.getAccessToken())
					? this.refresher.refresh(exchange, client) : Mono.just(client))
			.map((OAuth2AuthorizedClient client) -> client.getAccessToken().getTokenValue());
	}

	private static ServerWebExchange relay(ServerWebExchange exchange, String accessToken) {
		return exchange.mutate().request((request) -> request.headers((headers) -> {
			headers.remove(HttpHeaders.COOKIE);
			headers.remove("X-XSRF-TOKEN");
			headers.setBearerAuth(accessToken);
		})).build();
	}

	private static ProblemException noToken() {
		return new ProblemException(Problems.loginRequired("This session holds no token; sign in again"), null);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
