package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** An access token whose IdP stated no {@code expires_in}. */
class UnstatedLifetimesTests {

	@Test
	void statedWhenAnswerHadNoExpiresInAndTokenIsOpaqueThenAssumedLifetime() {
		OAuth2AccessToken token = withoutExpiresIn("opaque-token");

		OAuth2AccessToken stated = UnstatedLifetimes.stated(token);

		assertThat(Duration.between(stated.getIssuedAt(), stated.getExpiresAt())).isEqualTo(UnstatedLifetimes.ASSUMED);
		assertThat(stated.getTokenValue()).isEqualTo("opaque-token");
	}

	@Test
	void statedWhenAnswerHadNoExpiresInAndTokenIsAJwtThenItsExp() {
		Instant exp = Instant.now().plusSeconds(7200).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		OAuth2AccessToken token = withoutExpiresIn(jwtExpiringAt(exp));

		assertThat(UnstatedLifetimes.stated(token).getExpiresAt()).isEqualTo(exp);
	}

	// A JWT that says it has expired is taken at its word, not given minutes more.
	@Test
	void statedWhenAnswerHadNoExpiresInAndTheJwtHasExpiredThenNoMoreLife() {
		Instant exp = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		OAuth2AccessToken token = withoutExpiresIn(jwtExpiringAt(exp));

		assertThat(UnstatedLifetimes.stated(token)).isSameAs(token);
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

	/** As Spring Security reads a token answer that had no {@code expires_in}. */
	private static OAuth2AccessToken withoutExpiresIn(String value) {
		return OAuth2AccessTokenResponse.withToken(value)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.build()
			.getAccessToken();
	}

	private static String jwtExpiringAt(Instant exp) {
		return base64Url("{\"alg\":\"RS256\"}") + "." + base64Url("{\"exp\":" + exp.getEpochSecond() + "}") + ".c2ln";
	}

	private static String base64Url(String json) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

}
