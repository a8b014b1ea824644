package dev.porter.devidp.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.porter.testsupport.ShiftableClock;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auth0's access tokens in the authorization store: byte-identical ones of two logins (no
 * {@code jti}) find the latest login, and one a refresh replaced finds the refreshed
 * authorization until its own {@code exp}.
 */
class ConcurrentAuthorizationsAccessTokenTests {

	private static final RegisteredClient CLIENT = RegisteredClient.withId("gateway")
		.clientId("porter-gateway")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://localhost:8080/login/oauth2/code/auth0")
		.build();

	// Same user, client, scopes and second: Auth0's jti-less token is the same string.
	// Issued now and valid for an hour, so that only a revocation can make it inactive.
	private static final OAuth2AccessToken SAME_SECOND = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
			"eyJ.same.token", Instant.now(), Instant.now().plus(Duration.ofHours(1)));

	// Stands still, so that a token is checked exactly at its expiry.
	private final ShiftableClock clock = new ShiftableClock(Clock.fixed(Instant.now(), ZoneOffset.UTC));

	private final ConcurrentAuthorizations authorizations = new ConcurrentAuthorizations(this.clock);

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

	@Test
	void findByTokenWhenRefreshedThenOldTokenFindsTheRefreshedAuthorizationUntilItExpires() {
		OAuth2AccessToken old = token("eyJ.old", Duration.ofMinutes(10));
		OAuth2AccessToken renewed = token("eyJ.renewed", Duration.ofMinutes(20));
		this.authorizations.save(login("a", old));
		this.authorizations.save(refreshed("a", renewed));
		this.clock.shift(Duration.ofMinutes(10));

		OAuth2Authorization found = this.authorizations.findByToken(old.getTokenValue(), OAuth2TokenType.ACCESS_TOKEN);

		assertThat(found).isNotNull();
		assertThat(found.getAccessToken().getToken().getTokenValue()).isEqualTo(renewed.getTokenValue());
	}

	@Test
	void findByTokenWhenRefreshedThenOldTokenFindsNothingUnlessAskedForAsAnAccessToken() {
		OAuth2AccessToken old = token("eyJ.old", Duration.ofMinutes(10));
		this.authorizations.save(login("a", old));
		this.authorizations.save(refreshed("a", token("eyJ.renewed", Duration.ofMinutes(20))));

		assertThat(this.authorizations.findByToken(old.getTokenValue(), OAuth2TokenType.REFRESH_TOKEN)).isNull();
		// What revocation asks: the refreshed authorization does not carry it.
		assertThat(this.authorizations.findByToken(old.getTokenValue(), null)).isNull();
	}

	@Test
	void saveWhenReplacedTokenHasExpiredThenItIsForgotten() {
		OAuth2AccessToken old = token("eyJ.old", Duration.ofMinutes(10));
		this.authorizations.save(login("a", old));
		this.authorizations.save(refreshed("a", token("eyJ.renewed", Duration.ofMinutes(20))));
		this.clock.shift(Duration.ofMinutes(10).plusSeconds(1));

		this.authorizations.save(login("b", token("eyJ.other", Duration.ofMinutes(10))));

		assertThat(this.authorizations.indexedTokens()).as("renewed and other").isEqualTo(2);
		assertThat(this.authorizations.findByToken(old.getTokenValue(), OAuth2TokenType.ACCESS_TOKEN)).isNull();
	}

	@Test
	void findByTokenWhenReplacedTokenHasExpiredThenNothingEvenBeforeItIsForgotten() {
		OAuth2AccessToken old = token("eyJ.old", Duration.ofMinutes(10));
		this.authorizations.save(login("a", old));
		this.authorizations.save(refreshed("a", token("eyJ.renewed", Duration.ofMinutes(20))));
		this.clock.shift(Duration.ofMinutes(10).plusSeconds(1));

		assertThat(this.authorizations.findByToken(old.getTokenValue(), OAuth2TokenType.ACCESS_TOKEN)).isNull();
	}

	@Test
	void saveWhenManyReplacedTokensHaveExpiredThenTheNextSweepForgetsThemAll() {
		for (int i = 0; i < 5; i++) {
			this.authorizations.save(login("refreshed-" + i, token("eyJ.old-" + i, Duration.ofMinutes(10))));
			this.authorizations.save(refreshed("refreshed-" + i, token("eyJ.renewed-" + i, Duration.ofHours(1))));
		}
		this.clock.shift(Duration.ofMinutes(11));

		this.authorizations.save(login("later", token("eyJ.later", Duration.ofMinutes(10))));

		assertThat(this.authorizations.indexedTokens()).as("renewed and later").isEqualTo(5 + 1);
	}

	private OAuth2AccessToken token(String value, Duration lifetime) {
		Instant issuedAt = this.clock.instant();
		return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, issuedAt, issuedAt.plus(lifetime));
	}

	private OAuth2Authorization refreshed(String id, OAuth2AccessToken renewed) {
		return OAuth2Authorization.from(this.authorizations.findById(id)).token(renewed).build();
	}

	private static OAuth2Authorization login(String id) {
		return login(id, SAME_SECOND);
	}

	private static OAuth2Authorization login(String id, OAuth2AccessToken token) {
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(id)
			.principalName("auth0|alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.token(token)
			.build();
	}

}
