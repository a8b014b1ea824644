package dev.porter.devidp.oauth;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.config.DevIdpProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static org.assertj.core.api.Assertions.assertThat;

class RefreshTokenTests extends DevIdpServerTestSupport {

	private final TestLogins browser = new TestLogins(ISSUER);

	@Autowired
	private OAuth2AuthorizationService authorizations;

	@Autowired
	private DevIdpProperties properties;

	@Test
	void refreshWhenTokenRotatedThenNewWorksAndOldRefused() {
		String first = signIn().get("refresh_token").asString();

		HttpResponse<String> rotated = refresh(first);
		assertThat(rotated.statusCode()).isEqualTo(200);
		JsonNode tokens = this.browser.json(rotated);
		String second = tokens.get("refresh_token").asString();
		assertThat(second).isNotEqualTo(first);
		assertThat(tokens.has("access_token")).isTrue();
		assertThat(tokens.has("id_token")).isTrue();
		assertThat(refresh(second).statusCode()).isEqualTo(200);

		HttpResponse<String> reused = refresh(first);
		assertThat(reused.statusCode()).isEqualTo(403);
		assertThat(this.browser.json(reused).get("error").asString()).isEqualTo("invalid_grant");
		assertThat(this.browser.json(reused).get("error_description").asString())
			.isEqualTo("Unknown or invalid refresh token.");
	}

	@Test
	void refreshWhenRotatedTokenReusedThenWholeFamilyRevoked() {
		String first = signIn().get("refresh_token").asString();
		String second = this.browser.json(refresh(first)).get("refresh_token").asString();

		assertThat(this.browser.json(refresh(first)).get("error").asString()).isEqualTo("invalid_grant");
		assertThat(this.browser.json(refresh(second)).get("error").asString()).isEqualTo("invalid_grant");
	}

	@Test
	void refreshWhenOtherLoginsTokenReusedThenThisFamilyUntouched() {
		String mine = signIn().get("refresh_token").asString();
		String other = signIn().get("refresh_token").asString();
		refresh(other);
		refresh(other);
		assertThat(refresh(mine).statusCode()).isEqualTo(200);
	}

	@Test
	void refreshWhenApiAudienceThenNewAccessTokenKeepsIt() {
		JsonNode tokens = this.browser.json(refresh(signIn().get("refresh_token").asString()));
		assertThat(issuerDecoder().decode(tokens.get("access_token").asString()).getAudience())
			.containsExactly(TestLogins.API_AUDIENCE, ISSUER + "userinfo");
	}

	@Test
	void refreshWhenIdTokenReissuedThenSameSid() {
		JsonNode first = signIn();
		JsonNode second = this.browser.json(refresh(first.get("refresh_token").asString()));
		assertThat(sid(second)).isEqualTo(sid(first));
	}

	@Test
	void revokeWhenRefreshTokenRevokedThenRefused() {
		String refreshToken = signIn().get("refresh_token").asString();
		HttpResponse<String> revoked = this.browser.postForm(ISSUER + "oauth/revoke", Map.of("token", refreshToken,
				"client_id", TestLogins.GATEWAY, "client_secret", TestLogins.GATEWAY_SECRET), null);
		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(this.browser.json(refresh(refreshToken)).get("error").asString()).isEqualTo("invalid_grant");
	}

	@Test
	void revokeWhenAccessTokenWasReplacedByARefreshThenOkAndTheSessionGoesOn() {
		JsonNode tokens = signIn();
		// A second later, so that the new access token differs (Auth0's carry no jti).
		this.devIdpClock.shift(Duration.ofSeconds(1));
		String refreshToken = this.browser.json(refresh(tokens.get("refresh_token").asString()))
			.get("refresh_token")
			.asString();

		HttpResponse<String> revoked = this.browser.postForm(ISSUER + "oauth/revoke",
				Map.of("token", tokens.get("access_token").asString(), "client_id", TestLogins.GATEWAY, "client_secret",
						TestLogins.GATEWAY_SECRET),
				null);

		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(refresh(refreshToken).statusCode()).isEqualTo(200);
	}

	@Test
	void refreshWhenPublicClientThenRotatesWithClientIdAlone() {
		String first = spaSignIn().get("refresh_token").asString();

		HttpResponse<String> rotated = this.browser.token(
				Map.of("grant_type", "refresh_token", "refresh_token", first, "client_id", "porter-spa"), null, null);
		assertThat(rotated.statusCode()).isEqualTo(200);
		assertThat(this.browser.json(rotated).get("refresh_token").asString()).isNotEqualTo(first);
		HttpResponse<String> reused = this.browser.token(
				Map.of("grant_type", "refresh_token", "refresh_token", first, "client_id", "porter-spa"), null, null);
		assertThat(this.browser.json(reused).get("error").asString()).isEqualTo("invalid_grant");
	}

	@Test
	void revokeWhenPublicClientThenWithClientIdAlone() {
		String refreshToken = spaSignIn().get("refresh_token").asString();
		HttpResponse<String> revoked = this.browser.postForm(ISSUER + "oauth/revoke",
				Map.of("token", refreshToken, "client_id", "porter-spa"), null);
		assertThat(revoked.statusCode()).isEqualTo(200);
		HttpResponse<String> refreshed = this.browser.token(
				Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "porter-spa"), null,
				null);
		assertThat(this.browser.json(refreshed).get("error").asString()).isEqualTo("invalid_grant");
	}

	@Test
	void revokeWhenPublicClientNamesAnotherClientsTokenThenThatTokenStillWorks() {
		String gatewayToken = signIn().get("refresh_token").asString();
		this.browser.postForm(ISSUER + "oauth/revoke", Map.of("token", gatewayToken, "client_id", "porter-spa"), null);
		assertThat(refresh(gatewayToken).statusCode()).isEqualTo(200);
	}

	// Auth0 has no introspection endpoint; dev-idp's answered anyone naming a public
	// client.
	@Test
	void introspectWhenPublicClientIdAloneThenNotFound() {
		String refreshToken = signIn().get("refresh_token").asString();
		HttpResponse<String> response = this.browser.postForm(ISSUER + "oauth2/introspect",
				Map.of("token", refreshToken, "client_id", "porter-spa"), null);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).doesNotContain("active");
	}

	@Test
	void introspectWhenClientAuthenticatedThenNotFound() {
		String refreshToken = signIn().get("refresh_token").asString();
		HttpResponse<String> response = this.browser.postForm(ISSUER + "oauth2/introspect", Map.of("token",
				refreshToken, "client_id", TestLogins.GATEWAY, "client_secret", TestLogins.GATEWAY_SECRET), null);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).doesNotContain("active");
	}

	@Test
	void refreshWhenConfidentialClientOmitsSecretThenInvalidClient() {
		String refreshToken = signIn().get("refresh_token").asString();
		HttpResponse<String> response = this.browser.token(
				Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", TestLogins.GATEWAY),
				null, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(this.browser.json(response).get("error").asString()).isEqualTo("invalid_client");
	}

	// Auth0 marks access tokens of the refresh grant with gty, as it does client
	// credentials.
	@Test
	void refreshThenAccessTokenSaysItsGrant() {
		String first = signIn().get("refresh_token").asString();
		String accessToken = this.browser.json(refresh(first)).get("access_token").asString();
		assertThat(this.browser.payload(accessToken).get("gty").asString()).isEqualTo("refresh_token");
	}

	@Test
	void refreshWhenRotatedThenAbsoluteExpiryKept() {
		String first = signIn().get("refresh_token").asString();
		Instant firstExpiry = refreshTokenExpiry(first);
		String second = this.browser.json(refresh(first)).get("refresh_token").asString();
		assertThat(refreshTokenExpiry(second)).isEqualTo(firstExpiry);
	}

	@Test
	void exchangeWhenDevIdpClockIsADayAheadThenRefreshTokenDatedOnIt() {
		this.devIdpClock.shift(Duration.ofDays(1));
		Instant before = this.devIdpClock.instant();
		String first = signIn().get("refresh_token").asString();
		Instant after = this.devIdpClock.instant();

		OAuth2RefreshToken stored = storedRefreshToken(first);
		assertThat(stored.getIssuedAt()).isBetween(before, after);
		assertThat(stored.getExpiresAt()).isEqualTo(stored.getIssuedAt().plus(this.properties.refreshTokenTtl()));
	}

	@Test
	void refreshWhenDevIdpClockMovedOnThenRotatedTokenIssuedOnItWithTheFirstsExpiry() {
		String first = signIn().get("refresh_token").asString();
		Instant firstExpiry = refreshTokenExpiry(first);
		this.devIdpClock.shift(Duration.ofDays(1));
		Instant before = this.devIdpClock.instant();
		String second = this.browser.json(refresh(first)).get("refresh_token").asString();
		Instant after = this.devIdpClock.instant();

		OAuth2RefreshToken rotated = storedRefreshToken(second);
		assertThat(rotated.getIssuedAt()).isBetween(before, after);
		assertThat(rotated.getExpiresAt()).isEqualTo(firstExpiry);
	}

	@Test
	void exchangeWhenApiDisallowsOfflineAccessThenNoRefreshToken() {
		Authorize authorize = Authorize.gateway("openid offline_access read:current_user", ISSUER + "api/v2/");
		JsonNode tokens = this.browser
			.json(this.browser.exchange(this.browser.login(authorize, "alice", "alice"), TestLogins.GATEWAY_SECRET));
		assertThat(tokens.has("access_token")).isTrue();
		assertThat(tokens.has("refresh_token")).isFalse();
	}

	private Instant refreshTokenExpiry(String refreshToken) {
		return storedRefreshToken(refreshToken).getExpiresAt();
	}

	/** The refresh token as dev-idp stored it, a rotated one included. */
	private OAuth2RefreshToken storedRefreshToken(String refreshToken) {
		OAuth2Authorization authorization = this.authorizations.findByToken(refreshToken,
				OAuth2TokenType.REFRESH_TOKEN);
		assertThat(authorization).isNotNull();
		OAuth2Authorization.Token<OAuth2RefreshToken> token = authorization.getToken(refreshToken);
		assertThat(token).isNotNull();
		return token.getToken();
	}

	private JsonNode signIn() {
		Authorize authorize = Authorize.gateway("openid profile email offline_access", TestLogins.API_AUDIENCE);
		return this.browser
			.json(this.browser.exchange(this.browser.login(authorize, "alice", "alice"), TestLogins.GATEWAY_SECRET));
	}

	private JsonNode spaSignIn() {
		Authorize authorize = new Authorize("porter-spa", "http://localhost:8080/callback", "openid offline_access",
				null, "state", "nonce", TestLogins.Pkce.create(), Map.of());
		return this.browser.json(this.browser.exchange(this.browser.login(authorize, "bob", "bob"), null));
	}

	private HttpResponse<String> refresh(String refreshToken) {
		return this.browser.token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
				TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET);
	}

	private static String sid(JsonNode tokens) {
		return issuerDecoder().decode(tokens.get("id_token").asString()).getClaimAsString("sid");
	}

}
