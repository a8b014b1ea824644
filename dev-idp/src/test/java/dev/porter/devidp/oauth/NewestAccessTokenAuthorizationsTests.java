package dev.porter.devidp.oauth;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;

class NewestAccessTokenAuthorizationsTests {

	private static final RegisteredClient CLIENT = RegisteredClient.withId("gateway")
		.clientId("porter-gateway")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://localhost:8080/login/oauth2/code/auth0")
		.build();

	// Same user, client, scopes and second: Auth0's jti-less token is the same string.
	// Issued now and valid for an hour, so that only a revocation can make it inactive.
	private static final OAuth2AccessToken SAME_SECOND = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
			"eyJ.same.token", Instant.now(), Instant.now().plus(Duration.ofHours(1)));

	private final NewestAccessTokenAuthorizations authorizations = new NewestAccessTokenAuthorizations(
			new InMemoryOAuth2AuthorizationService());

	@Test
	void findByTokenWhenOlderLoginRevokedAfterNewerOneGotSameTokenThenNewerLoginAnswers() {
		OAuth2Authorization older = login("a");
		OAuth2Authorization newer = login("b");
		this.authorizations.save(older);
		this.authorizations.save(newer);
		this.authorizations.save(OAuth2Authorization.from(older).invalidate(SAME_SECOND).build());

		OAuth2Authorization found = this.authorizations.findByToken(SAME_SECOND.getTokenValue(),
				OAuth2TokenType.ACCESS_TOKEN);

		assertThat(found).isNotNull();
		assertThat(found.getId()).isEqualTo("b");
		assertThat(found.getAccessToken().isActive()).isTrue();
	}

	@Test
	void findByTokenWhenOnlyLoginRevokedThenItIsFoundRevoked() {
		OAuth2Authorization only = login("a");
		this.authorizations.save(only);
		this.authorizations.save(OAuth2Authorization.from(only).invalidate(SAME_SECOND).build());

		OAuth2Authorization found = this.authorizations.findByToken(SAME_SECOND.getTokenValue(), null);

		assertThat(found).isNotNull();
		assertThat(found.getAccessToken().isActive()).isFalse();
	}

	private static OAuth2Authorization login(String id) {
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(id)
			.principalName("auth0|alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.token(SAME_SECOND)
			.build();
	}

}
