package dev.porter.gateway.token;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

	/**
	 * Refreshes go through the IdP client with bounded waits: a refresh that never
	 * answers would otherwise hold every request of the session waiting on it.
	 */
	@Bean
	TokenRefresher tokenRefresher(SessionTokens tokens, ObjectProvider<RefreshLock> lock, TokenProperties properties,
			RefreshMetrics metrics, WebClient idpWebClient) {
		WebClientReactiveRefreshTokenTokenResponseClient client = new WebClientReactiveRefreshTokenTokenResponseClient();
		client.setWebClient(idpWebClient);
		return new TokenRefresher(client, tokens, lock.getIfAvailable(() -> RefreshLock.LOCAL), properties, metrics);
	}

	@Bean
	TokenRelayFilter tokenRelayFilter(SessionTokens tokens, TokenRefresher refresher) {
		return new TokenRelayFilter(tokens, refresher);
	}

}
