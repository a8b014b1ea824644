package dev.porter.devidp.issued;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issued-token list of a dev-idp that runs for days (docker compose, a load test): it
 * keeps the newest {@link 5_000} token sets, each once.
 */
class RecordingAuthorizationServiceTests {

	private static final RegisteredClient CLIENT = RegisteredClient.withId("gateway")
		.clientId("porter-gateway")
		.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://localhost:8080/login/oauth2/code/porter")
		.build();

	private final RecordingAuthorizationService recording = new RecordingAuthorizationService(
			new InMemoryOAuth2AuthorizationService(), (authorization) -> {
			});

	@Test
	void saveWhenMoreTokenSetsThanKeptThenTheOldestAreForgottenAndTheNewestListed() {
		for (int i = 0; i <= 5_000; i++) {
			this.recording.save(withAccessToken("login-" + i, "token-" + i));
		}

		List<IssuedToken> issued = this.recording.issued();

		assertThat(issued).hasSize(5_000);
		assertThat(issued.get(0).accessToken()).isEqualTo("token-1");
		assertThat(issued.get(issued.size() - 1).accessToken()).isEqualTo("token-" + 5_000);
	}

	@Test
	void saveWhenTheSameTokensAreSavedAgainThenListedOnce() {
		this.recording.save(withAccessToken("login", "token"));
		this.recording.save(withAccessToken("login", "token"));

		assertThat(this.recording.issued()).extracting(IssuedToken::accessToken).containsExactly("token");
	}

	private static OAuth2Authorization withAccessToken(String id, String token) {
		Instant now = Instant.now();
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(id)
			.principalName("alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.token(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token, now, now.plusSeconds(60)))
			.build();
	}

}
