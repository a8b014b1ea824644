package dev.porter.devidp.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.porter.testsupport.ShiftableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization store as Spring Authorization Server drives it through one login:
 * saved with its code, saved again with tokens, again at each refresh. What nothing can
 * use any more (every token expired on the store's clock) is forgotten; everything else
 * is found by each of its tokens.
 */
class ConcurrentAuthorizationsTests {

	private static final RegisteredClient CLIENT = RegisteredClient.withId("gateway")
		.clientId("porter-gateway")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://localhost:8080/login/oauth2/code/auth0")
		.build();

	private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);

	private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType(OidcParameterNames.ID_TOKEN);

	private static final Duration CODE_TTL = Duration.ofMinutes(5);

	private static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(10);

	private static final Duration ID_TOKEN_TTL = Duration.ofMinutes(30);

	private static final Duration REFRESH_TOKEN_TTL = Duration.ofHours(1);

	// Stands still, so that a token is checked exactly where a test puts it.
	private final ShiftableClock clock = new ShiftableClock(Clock.fixed(Instant.now(), ZoneOffset.UTC));

	private final ConcurrentAuthorizations authorizations = new ConcurrentAuthorizations(this.clock);

	@Test
	void saveWhenAnUnfinishedLoginsCodeHasExpiredThenThatLoginIsForgotten() {
		this.authorizations.save(awaitingExchange("abandoned", "code-abandoned"));
		this.clock.shift(CODE_TTL.plusSeconds(1));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertThat(this.authorizations.findById("abandoned")).isNull();
		assertThat(this.authorizations.findByToken("code-abandoned", CODE)).isNull();
		assertThat(this.authorizations.findById("later")).isNotNull();
	}

	@Test
	void saveWhenEveryTokenOfASessionHasExpiredThenThatSessionIsForgotten() {
		this.authorizations.save(awaitingExchange("ended", "code-ended"));
		this.authorizations.save(exchanged("ended", "ended"));
		this.clock.shift(REFRESH_TOKEN_TTL.plusSeconds(1));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertThat(this.authorizations.findById("ended")).isNull();
		assertThat(this.authorizations.findByToken("refresh-ended", OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(this.authorizations.findByToken("access-ended", null)).isNull();
	}

	@Test
	void saveWhenOnlyTheRefreshTokenIsStillValidThenTheSessionIsKeptAndFoundByEachToken() {
		this.authorizations.save(awaitingExchange("a", "code-a"));
		this.authorizations.save(exchanged("a", "a"));
		this.clock.shift(REFRESH_TOKEN_TTL.minusSeconds(1));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertThat(this.authorizations.findById("a")).isNotNull();
		assertFoundBy("code-a", CODE, "a");
		assertFoundBy("access-a", OAuth2TokenType.ACCESS_TOKEN, "a");
		assertFoundBy("refresh-a", OAuth2TokenType.REFRESH_TOKEN, "a");
		assertFoundBy("id-a", ID_TOKEN, "a");
		assertFoundBy("refresh-a", null, "a");
	}

	@Test
	void saveWhenOnlyTheAccessTokenIsStillValidThenTheLoginIsKept() {
		this.authorizations.save(awaitingExchange("a", "code-a"));
		this.authorizations
			.save(OAuth2Authorization.from(this.authorizations.findById("a")).token(accessToken("access-a")).build());
		this.clock.shift(ACCESS_TOKEN_TTL.minusSeconds(1));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertFoundBy("access-a", OAuth2TokenType.ACCESS_TOKEN, "a");
	}

	@Test
	void saveWhenATokenHasNoExpiryThenItsAuthorizationIsNeverForgotten() {
		OAuth2RefreshToken forever = new OAuth2RefreshToken("refresh-forever", this.clock.instant(), null);
		this.authorizations.save(authorization("forever").token(accessToken("access-forever")).token(forever).build());
		this.clock.shift(Duration.ofDays(365));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertFoundBy("refresh-forever", OAuth2TokenType.REFRESH_TOKEN, "forever");
	}

	private void assertFoundBy(String token, @Nullable OAuth2TokenType type, String id) {
		OAuth2Authorization found = this.authorizations.findByToken(token, type);
		assertThat(found).as("found by %s as %s", token, type).isNotNull();
		assertThat(found.getId()).isEqualTo(id);
	}

	/** After {@code /authorize}: the code, waiting for its exchange. */
	private OAuth2Authorization awaitingExchange(String id, String code) {
		Instant now = this.clock.instant();
		return authorization(id).token(new OAuth2AuthorizationCode(code, now, now.plus(CODE_TTL))).build();
	}

	/**
	 * After the code exchange: the same authorization with its tokens, named after it.
	 */
	private OAuth2Authorization exchanged(String id, String name) {
		Instant now = this.clock.instant();
		OidcIdToken idToken = OidcIdToken.withTokenValue("id-" + name)
			.subject("auth0|alice")
			.issuedAt(now)
			.expiresAt(now.plus(ID_TOKEN_TTL))
			.build();
		return OAuth2Authorization.from(this.authorizations.findById(id))
			.token(accessToken("access-" + name))
			.token(new OAuth2RefreshToken("refresh-" + name, now, now.plus(REFRESH_TOKEN_TTL)))
			.token(idToken)
			.build();
	}

	private OAuth2AccessToken accessToken(String value) {
		Instant now = this.clock.instant();
		return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, now, now.plus(ACCESS_TOKEN_TTL));
	}

	private static OAuth2Authorization.Builder authorization(String id) {
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(id)
			.principalName("auth0|alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE);
	}

}
