package dev.porter.gateway.token;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;

@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

	@Bean
	TokenRefresher tokenRefresher(SessionTokens tokens, ObjectProvider<RefreshLock> lock, TokenProperties properties,
			RefreshMetrics metrics) {
		return new TokenRefresher(new WebClientReactiveRefreshTokenTokenResponseClient(), tokens,
				lock.getIfAvailable(() -> RefreshLock.LOCAL), properties, metrics);
	}

	@Bean
	TokenRelayFilter tokenRelayFilter(SessionTokens tokens, TokenRefresher refresher) {
		return new TokenRelayFilter(tokens, refresher);
	}

}
