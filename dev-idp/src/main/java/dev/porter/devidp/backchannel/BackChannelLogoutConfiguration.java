package dev.porter.devidp.backchannel;

import java.net.http.HttpClient;
import java.time.Clock;

import dev.porter.devidp.config.DevIdpProperties;
import dev.porter.devidp.seed.Seed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/**
 * Logout tokens, minted on request ({@code /dev/logout-token}) and sent when a browser's
 * IdP session ends.
 */
@Configuration(proxyBeanMethods = false)
class BackChannelLogoutConfiguration {

	@Bean
	LogoutTokens logoutTokens(JwtEncoder encoder, DevIdpProperties properties, Clock clock) {
		return new LogoutTokens(encoder, properties.issuerString(), clock);
	}

	@Bean
	LogoutTokenSender logoutTokenSender(Seed seed, LogoutTokens tokens, BackChannelLogoutProperties properties) {
		// An application's redirect is not followed: Auth0 posts to the URL it was given.
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.timeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		return new LogoutTokenSender(new BackChannelLogoutUrls(seed, properties.base()), tokens, http,
				properties.timeout());
	}

}
