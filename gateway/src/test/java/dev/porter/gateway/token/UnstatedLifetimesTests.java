package dev.porter.gateway.token;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An access token whose IdP stated no {@code expires_in}, as the gateway keeps it (the
 * rule itself: {@code dev.porter.common.UnstatedLifetimesTests}).
 */
class UnstatedLifetimesTests {

	@Test
	void statedWhenAnswerHadNoExpiresInThenACopyWithALifetime() {
		OAuth2AccessToken token = OAuth2AccessTokenResponse.withToken("opaque-token")
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.scopes(Set.of("openid", "profile"))
			.build()
			.getAccessToken();

		OAuth2AccessToken stated = UnstatedLifetimes.stated(token);

		assertThat(Duration.between(stated.getIssuedAt(), stated.getExpiresAt()))
			.isEqualTo(dev.porter.common.UnstatedLifetimes.ASSUMED);
		assertThat(stated.getTokenValue()).isEqualTo("opaque-token");
		assertThat(stated.getScopes()).containsExactlyInAnyOrder("openid", "profile");
		assertThat(stated.getTokenType()).isEqualTo(OAuth2AccessToken.TokenType.BEARER);
	}

	@Test
	void statedWhenAnswerStatedALifetimeThenTokenUnchanged() {
		OAuth2AccessToken token = OAuth2AccessTokenResponse.withToken("opaque-token")
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(3600)
			.build()
			.getAccessToken();

		assertThat(UnstatedLifetimes.stated(token)).isSameAs(token);
	}

}
