package dev.porter.gateway.token;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.session.LoginTokens;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.server.ServerWebExchange;

/**
 * Relays the session's access token to the API as {@code Authorization: Bearer},
 * refreshing it first when it is about to expire, and at once when the API refused it
 * ({@link #renewRefused}). Unlike Spring Cloud Gateway's {@code TokenRelay}, a request
 * without a token is not forwarded (401 problem), and whatever credentials the browser
 * sent ({@code Cookie}, {@code Authorization}, the XSRF header) never reach the API: the
 * upstream call sends the {@link RelayedToken} in their place.
 */
public class TokenRelayFilter implements GatewayFilter, Ordered {

	/**
	 * After the rate limit and before the circuit breaker, because a failed refresh is
	 * not a failure of the upstream.
	 */
	public static final int ORDER = 20;

	private final AccessTokens accessTokens;

	private final Renewals renewals;

	TokenRelayFilter(SessionTokens tokens, TokenRefresher refresher) {
		this(sessionAccessTokens(tokens, refresher), sessionRenewals(tokens, refresher));
	}

	/** A relay whose tokens are never renewed on a refusal. */
	TokenRelayFilter(AccessTokens accessTokens) {
		this(accessTokens, (exchange, authentication, refused) -> Mono.empty());
	}

	TokenRelayFilter(AccessTokens accessTokens, Renewals renewals) {
		this.accessTokens = accessTokens;
		this.renewals = renewals;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return exchange.getPrincipal()
			.filter(Authentication.class::isInstance)
			.cast(Authentication.class)
			.flatMap((authentication) -> this.accessTokens.of(exchange, authentication))
			.switchIfEmpty(Mono.error(TokenRelayFilter::noToken))
			.flatMap((token) -> relay(exchange, token, chain));
	}

	/**
	 * The session's access token, refreshed first when it is about to expire and the
	 * session holds a refresh token. A token not yet due is relayed as the session holds
	 * it: only a refresh needs the client registration, and so the IdP's discovery
	 * document, which a new instance during an IdP outage cannot fetch.
	 */
	private static AccessTokens sessionAccessTokens(SessionTokens tokens, TokenRefresher refresher) {
		return (exchange, authentication) -> exchange.getSession().mapNotNull(LoginTokens::in).flatMap((held) -> {
			if (!refresher.needsRefresh(held)) {
				return Mono.just(held.accessToken());
			}
			return (held.refreshToken() != null) ? refreshed(exchange, authentication, held, tokens, refresher)
					: refresher.withoutRefreshToken(exchange, held);
		});
	}

	/**
	 * The refreshed token; without the client registration (discovery failed) no refresh
	 * can start, and a token that still outlives the relayed call is relayed as it is, as
	 * after a failed refresh.
	 */
	private static Mono<String> refreshed(ServerWebExchange exchange, Authentication authentication, LoginTokens held,
			SessionTokens tokens, TokenRefresher refresher) {
		// The refresher's own failures already fall back to a relayable token, and its
		// 503 and 401 say that none is left: any other error, or nothing, means the
		// client could not be built. Relayable is asked again then, as the refresh may
		// have outlasted the token.
		Mono<String> relayable = Mono
			.defer(() -> refresher.isRelayable(held) ? Mono.just(held.accessToken()) : Mono.empty());
		return tokens.load(exchange, authentication)
			.flatMap((current) -> refresher.refresh(exchange, current))
			.map((OAuth2AuthorizedClient fresh) -> fresh.getAccessToken().getTokenValue())
			.onErrorResume((ex) -> !(ex instanceof SessionEnded || ex instanceof RefreshUnavailable),
					(ex) -> relayable.switchIfEmpty(Mono.error(ex)))
			.switchIfEmpty(relayable);
	}

	private static Mono<Void> relay(ServerWebExchange exchange, String accessToken, GatewayFilterChain chain) {
		RelayedToken.relay(exchange, accessToken);
		return chain.filter(exchange);
	}

	/**
	 * Renews the session's tokens for a request whose relayed access token the API
	 * refused ({@link InvalidTokenChallenge}) though it is not yet due: refreshed at
	 * once, through the session's one refresh at a time
	 * ({@link TokenRefresher#refreshRefused}), and the renewed token set as the request's
	 * {@link RelayedToken}: {@code true}. {@code false} when the refusal stands and the
	 * API's answer is to be relayed as it is: the session holds no refresh token, or its
	 * token came of such a renewal and was refused too (an API that refuses every token,
	 * say one that expects another audience, must not make every request refresh). Fails
	 * as a refresh does: the session ended ({@code 401} with {@code login_url}), or no
	 * token to be had now ({@code 503} with {@code Retry-After}).
	 * @param exchange the request as relayed
	 */
	public Mono<Boolean> renewRefused(ServerWebExchange exchange) {
		String refused = RelayedToken.token(exchange);
		if (refused == null) {
			return Mono.just(false);
		}
		return exchange.getPrincipal()
			.filter(Authentication.class::isInstance)
			.cast(Authentication.class)
			.flatMap((authentication) -> this.renewals.renew(exchange, authentication, refused))
			.map((renewed) -> {
				if (renewed.equals(refused)) {
					return false;
				}
				RelayedToken.relay(exchange, renewed);
				return true;
			})
			.defaultIfEmpty(false);
	}

	/**
	 * Renewals through the session's refresh: none without a refresh token (nothing
	 * renews it, and ending the session would send a client that signs in by itself round
	 * a loop when the API refuses every token). Without the client registration
	 * (discovery failed) no refresh can start: {@code 503}, as for an IdP out of reach.
	 */
	private static Renewals sessionRenewals(SessionTokens tokens, TokenRefresher refresher) {
		return (exchange, authentication, refused) -> exchange.getSession()
			.mapNotNull(LoginTokens::in)
			.filter((held) -> held.refreshToken() != null)
			.flatMap((held) -> tokens.load(exchange, authentication)
				.flatMap((current) -> refresher.refreshRefused(exchange, current, refused))
				.map((OAuth2AuthorizedClient renewed) -> renewed.getAccessToken().getTokenValue())
				.onErrorResume((ex) -> !(ex instanceof SessionEnded || ex instanceof RefreshUnavailable),
						refresher::noFreshToken)
				.switchIfEmpty(Mono.defer(() -> refresher.noFreshToken(null))));
	}

	private static ProblemException noToken() {
		return new ProblemException(Problems.loginRequired("This session holds no token; sign in again"), null);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/** Where the relay gets the access token of a signed-in user. */
	@FunctionalInterface
	interface AccessTokens {

		/** The token to relay, or empty when the session holds none. */
		Mono<String> of(ServerWebExchange exchange, Authentication authentication);

	}

	/** Where the relay gets a token in place of one the API refused. */
	@FunctionalInterface
	interface Renewals {

		/**
		 * The token to relay in place of {@code refused}: another one, or {@code refused}
		 * itself (or nothing) when the refusal stands.
		 */
		Mono<String> renew(ServerWebExchange exchange, Authentication authentication, String refused);

	}

}
