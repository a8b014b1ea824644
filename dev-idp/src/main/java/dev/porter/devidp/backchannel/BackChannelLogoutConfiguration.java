package dev.porter.devidp.backchannel;

import dev.porter.devidp.config.DevIdpProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/**
 * Logout tokens, minted on request ({@code /dev/logout-token}).
 */
@Configuration(proxyBeanMethods = false)
class BackChannelLogoutConfiguration {

	@Bean
	LogoutTokens logoutTokens(JwtEncoder encoder, DevIdpProperties properties) {
		return new LogoutTokens(encoder, properties.issuerString());
	}

}
