package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;

import reactor.netty.http.client.HttpClientRequest;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

	/**
	 * Refreshes go through the IdP client (its connect timeout and pool), but wait for
	 * the answer up to {@code TOKEN_REFRESH_TIMEOUT} rather than the client's 5 s: the
	 * requests stop waiting at {@code TOKEN_REFRESH_WAIT}, while a slow refresh goes on
	 * and its rotated token is stored. Cutting it short would lose that token.
	 */
	@Bean
	TokenRefresher tokenRefresher(SessionTokens tokens, ObjectProvider<RefreshLock> lock, TokenProperties properties,
			RefreshMetrics metrics, WebClient idpWebClient, ObjectProvider<Clock> clock) {
		WebClientReactiveRefreshTokenTokenResponseClient client = new WebClientReactiveRefreshTokenTokenResponseClient();
		client.setWebClient(idpWebClient.mutate()
			.filter((request, next) -> next.exchange(respondingWithin(request, properties.refreshTimeout())))
			.build());
		return new TokenRefresher(client, tokens, lock.getIfAvailable(() -> RefreshLock.LOCAL), properties, metrics,
				clock.getIfAvailable(Clock::systemUTC));
	}

	private static ClientRequest respondingWithin(ClientRequest request, Duration timeout) {
		return ClientRequest.from(request)
			.httpRequest((http) -> http.<HttpClientRequest>getNativeRequest().responseTimeout(timeout))
			.build();
	}

	/** Used by the login (which stores the tokens), the relay and the logout. */
	@Bean
	ServerOAuth2AuthorizedClientRepository authorizedClientRepository(
			DiscoveredClientRegistrationRepository registrations) {
		return new SessionAuthorizedClientRepository(registrations);
	}

	@Bean
	TokenRelayFilter tokenRelayFilter(SessionTokens tokens, TokenRefresher refresher) {
		return new TokenRelayFilter(tokens, refresher);
	}

}
