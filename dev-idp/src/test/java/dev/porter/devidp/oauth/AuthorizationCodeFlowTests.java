package dev.porter.devidp.oauth;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestDPoPProofs;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.TestLogins.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class AuthorizationCodeFlowTests extends DevIdpServerTestSupport {

	private static final String ALICE_ID = "auth0|5f7c8ec7c33c6c004bbafe82";

	private static final String ALL_SCOPES = "openid profile email offline_access";

	private final TestLogins browser = new TestLogins(ISSUER);

	@Test
	void loginWhenCredentialsRightThenUserinfoReturnsAlicesClaims() {
		Authorize authorize = Authorize.gateway(ALL_SCOPES, TestLogins.API_AUDIENCE);
		Login login = this.browser.login(authorize, "alice", "alice");
		assertThat(login.parameters()).containsEntry("state", authorize.state());

		HttpResponse<String> tokenResponse = this.browser.exchange(login, TestLogins.GATEWAY_SECRET);
		assertThat(tokenResponse.statusCode()).isEqualTo(200);
		JsonNode tokens = this.browser.json(tokenResponse);
		assertThat(tokens.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(tokens.has("refresh_token")).isTrue();

		HttpResponse<String> userinfo = this.browser.get(ISSUER + "userinfo", "Authorization",
				"Bearer " + tokens.get("access_token").asString());
		assertThat(userinfo.statusCode()).isEqualTo(200);
		JsonNode claims = this.browser.json(userinfo);
		assertThat(claims.get("sub").asString()).isEqualTo(ALICE_ID);
		assertThat(claims.get("name").asString()).isEqualTo("Alice Example");
		assertThat(claims.get("email").asString()).isEqualTo("alice@example.com");
		assertThat(claims.get("email_verified").asBoolean()).isTrue();
		assertThat(claims.get("updated_at").asString()).isEqualTo("2026-11-20T10:00:00.000Z");
		assertThat(claims.has("user_metadata")).isFalse();
	}

	@Test
	void exchangeWhenApiAudienceThenAccessTokenShapedAsAuth0() {
		Login login = this.browser.login(Authorize.gateway(ALL_SCOPES, TestLogins.API_AUDIENCE), "alice", "alice");
		JsonNode tokens = this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET));

		Jwt accessToken = issuerDecoder().decode(tokens.get("access_token").asString());
		assertThat(accessToken.getHeaders()).containsEntry("alg", "RS256").containsKey("kid");
		assertThat(accessToken.getAudience()).containsExactly(TestLogins.API_AUDIENCE, ISSUER + "userinfo");
		assertThat(accessToken.getSubject()).isEqualTo(ALICE_ID);
		assertThat(accessToken.getClaimAsString("azp")).isEqualTo(TestLogins.GATEWAY);
		assertThat(accessToken.getClaimAsString("scope").split(" ")).containsExactlyInAnyOrder(ALL_SCOPES.split(" "));
		assertThat(accessToken.getClaimAsString("iss")).isEqualTo(ISSUER);
		assertThat(Duration.between(accessToken.getIssuedAt(), accessToken.getExpiresAt())).isEqualTo(ACCESS_TOKEN_TTL);
	}

	@Test
	void exchangeWhenDevIdpClockIsADayAheadThenAccessAndIdTokensDatedOnIt() {
		this.devIdpClock.shift(Duration.ofDays(1));
		Instant before = this.devIdpClock.instant().truncatedTo(ChronoUnit.SECONDS);
		JsonNode tokens = aliceTokens();
		Instant after = this.devIdpClock.instant();

		for (String name : List.of("access_token", "id_token")) {
			JsonNode claims = this.browser.payload(tokens.get(name).asString());
			assertThat(Instant.ofEpochSecond(claims.get("iat").asLong())).as(name).isBetween(before, after);
			assertThat(claims.get("exp").asLong()).as(name).isGreaterThan(after.getEpochSecond());
		}
	}

	@Test
	void exchangeWhenOpenidGrantedThenIdTokenCarriesNonceSidAndProfile() {
		Authorize authorize = Authorize.gateway(ALL_SCOPES, null);
		Login login = this.browser.login(authorize, "alice", "alice");
		JsonNode tokens = this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET));

		Jwt idToken = issuerDecoder().decode(tokens.get("id_token").asString());
		assertThat(idToken.getAudience()).containsExactly(TestLogins.GATEWAY);
		assertThat(idToken.getSubject()).isEqualTo(ALICE_ID);
		assertThat(idToken.getClaimAsString("nonce")).isEqualTo(authorize.nonce());
		assertThat(idToken.getClaimAsString("sid")).isNotBlank();
		assertThat(idToken.getClaimAsString("name")).isEqualTo("Alice Example");
		assertThat(idToken.getClaimAsString("email")).isEqualTo("alice@example.com");
	}

	@Test
	void exchangeWhenSecondLoginInSameSessionThenSameSid() {
		Login first = this.browser.login(Authorize.gateway("openid", null), "alice", "alice");
		String firstSid = sid(this.browser.exchange(first, TestLogins.GATEWAY_SECRET));
		Login second = this.browser.login(Authorize.gateway("openid", null), "alice", "alice");
		String secondSid = sid(this.browser.exchange(second, TestLogins.GATEWAY_SECRET));
		assertThat(secondSid).isEqualTo(firstSid);
	}

	@Test
	void exchangeWhenOfflineAccessNotRequestedThenNoRefreshToken() {
		Login login = this.browser.login(Authorize.gateway("openid profile", null), "alice", "alice");
		JsonNode tokens = this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET));
		assertThat(tokens.has("access_token")).isTrue();
		assertThat(tokens.has("refresh_token")).isFalse();
	}

	@Test
	void exchangeWhenWrongPkceVerifierThenInvalidGrant() {
		Login login = this.browser.login(Authorize.gateway(ALL_SCOPES, null), "alice", "alice");
		Map<String, String> form = codeForm(login);
		form.put("code_verifier", TestLogins.Pkce.create().verifier());
		HttpResponse<String> response = this.browser.token(form, TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET);
		assertThat(response.statusCode()).isEqualTo(403);
		JsonNode body = this.browser.json(response);
		assertThat(body.get("error").asString()).isEqualTo("invalid_grant");
		assertThat(body.get("error_description").asString()).isEqualTo("Failed to verify code verifier");
	}

	@Test
	void exchangeWhenCodeUnknownThenInvalidGrant() {
		Login login = this.browser.login(Authorize.gateway(ALL_SCOPES, null), "alice", "alice");
		Map<String, String> form = codeForm(login);
		form.put("code", "made-up-" + login.code());
		assertInvalidCode(this.browser.token(form, TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET));
	}

	@Test
	void exchangeWhenCodeReusedThenInvalidGrant() {
		Login login = this.browser.login(Authorize.gateway(ALL_SCOPES, null), "alice", "alice");
		assertThat(this.browser.exchange(login, TestLogins.GATEWAY_SECRET).statusCode()).isEqualTo(200);
		assertInvalidCode(this.browser.exchange(login, TestLogins.GATEWAY_SECRET));
	}

	@Test
	void exchangeWhenRedirectUriDiffersThenInvalidGrant() {
		Login login = this.browser.login(Authorize.gateway(ALL_SCOPES, null), "alice", "alice");
		Map<String, String> form = codeForm(login);
		form.put("redirect_uri", "http://localhost:8080/elsewhere");
		assertInvalidCode(this.browser.token(form, TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET));
	}

	@Test
	void exchangeWhenClientSecretWrongThenAccessDenied() {
		Login login = this.browser.login(Authorize.gateway(ALL_SCOPES, null), "alice", "alice");
		assertOAuth2Error(this.browser.exchange(login, "not-the-secret"), 401, "access_denied");
	}

	// PKCE proves who started the login, not which client: a confidential client still
	// needs its secret.
	@Test
	void exchangeWhenConfidentialClientSendsPkceWithoutSecretThenInvalidClient() {
		Login login = this.browser.login(Authorize.gateway(ALL_SCOPES, null), "alice", "alice");
		HttpResponse<String> response = this.browser.exchange(login, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(this.browser.json(response).get("error").asString()).isEqualTo("invalid_client");
	}

	@Test
	void exchangeWhenSecretSentInFormThenAccepted() {
		Login login = this.browser.login(Authorize.gateway(ALL_SCOPES, null), "alice", "alice");
		Map<String, String> form = codeForm(login);
		form.put("client_secret", TestLogins.GATEWAY_SECRET);
		assertThat(this.browser.token(form, null, null).statusCode()).isEqualTo(200);
	}

	@Test
	void authorizeWhenRedirectUriNotRegisteredThenRefusedWithoutRedirect() {
		Authorize authorize = Authorize.gateway(ALL_SCOPES, null).with("redirect_uri", "https://evil.example/cb");
		HttpResponse<String> response = this.browser.authorize(authorize);
		assertThat(response.statusCode()).isEqualTo(400);
	}

	@Test
	void authorizeWhenAudienceUnknownThenAccessDeniedAtRedirectUri() {
		Authorize authorize = Authorize.gateway(ALL_SCOPES, "https://unknown.example/api");
		HttpResponse<String> response = this.browser.authorize(authorize);
		Map<String, String> parameters = TestLogins.queryParameters(TestLogins.location(response));
		assertThat(TestLogins.location(response).toString()).startsWith(TestLogins.GATEWAY_CALLBACK);
		assertThat(parameters).containsEntry("error", "access_denied").containsEntry("state", authorize.state());
	}

	@Test
	void authorizeWhenPublicClientSendsNoPkceChallengeThenInvalidRequest() {
		HttpResponse<String> response = this.browser.get(ISSUER + "authorize?response_type=code&client_id=porter-spa"
				+ "&redirect_uri=http://localhost:8080/callback&scope=openid&state=s");
		assertThat(TestLogins.queryParameters(TestLogins.location(response))).containsEntry("error", "invalid_request")
			.containsEntry("state", "s");
	}

	@Test
	void loginWhenPublicClientUsesPkceThenTokensWithoutSecret() {
		Authorize authorize = new Authorize("porter-spa", "http://localhost:8080/callback", "openid profile", null,
				"state-1", "nonce-1", TestLogins.Pkce.create(), Map.of());
		Login login = this.browser.login(authorize, "bob", "bob");
		HttpResponse<String> response = this.browser.exchange(login, null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.browser.json(response).has("id_token")).isTrue();
	}

	// Auth0 signs in at /authorize only through its own session cookie: a token that
	// leaked must not buy a code (and so fresh tokens, a 30-day refresh token among
	// them).
	@ParameterizedTest
	@ValueSource(strings = { "access_token", "id_token" })
	void authorizeWhenBearerTokenButNoSessionThenLoginForm(String token) {
		String bearer = "Bearer " + aliceTokens().get(token).asString();
		TestLogins stranger = new TestLogins(ISSUER);
		HttpResponse<String> response = stranger.authorize(Authorize.spa("openid offline_access", null),
				"Authorization", bearer);
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(TestLogins.location(response).getPath()).isEqualTo("/login");
	}

	@ParameterizedTest
	@ValueSource(strings = { "access_token", "id_token" })
	void authorizeWhenPromptNoneWithBearerTokenButNoSessionThenLoginRequired(String token) {
		String bearer = "Bearer " + aliceTokens().get(token).asString();
		TestLogins stranger = new TestLogins(ISSUER);
		Authorize authorize = Authorize.spa("openid offline_access", null).with("prompt", "none");
		HttpResponse<String> response = stranger.authorize(authorize, "Authorization", bearer);
		assertThat(TestLogins.location(response).toString()).startsWith(TestLogins.SPA_CALLBACK);
		assertThat(TestLogins.queryParameters(TestLogins.location(response))).containsEntry("error", "login_required")
			.containsEntry("state", authorize.state())
			.doesNotContainKey("code");
	}

	// dev-idp binds no token to a DPoP key, but the DPoP scheme must not sign in either.
	@Test
	void authorizeWhenDPoPTokenAndProofButNoSessionThenLoginForm() {
		String accessToken = aliceTokens().get("access_token").asString();
		String proof = new TestDPoPProofs().proof("GET", ISSUER + "authorize", accessToken);
		HttpResponse<String> response = new TestLogins(ISSUER).authorize(Authorize.spa("openid offline_access", null),
				"Authorization", "DPoP " + accessToken, "DPoP", proof);
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(TestLogins.location(response).getPath()).isEqualTo("/login");
	}

	@Test
	void loginWhenPasswordWrongThenFormSaysSo() {
		this.browser.authorize(Authorize.gateway(ALL_SCOPES, null));
		HttpResponse<String> response = this.browser.follow(this.browser.submitLoginForm("alice", "wrong"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("Wrong username or password.")
			.contains("Development identity provider — not for production.");
	}

	private JsonNode aliceTokens() {
		Login login = new TestLogins(ISSUER).login(Authorize.gateway(ALL_SCOPES, TestLogins.API_AUDIENCE), "alice",
				"alice");
		return this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET));
	}

	private String sid(HttpResponse<String> tokenResponse) {
		return issuerDecoder().decode(this.browser.json(tokenResponse).get("id_token").asString())
			.getClaimAsString("sid");
	}

	private static Map<String, String> codeForm(Login login) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "authorization_code");
		form.put("code", login.code());
		form.put("redirect_uri", login.authorize().redirectUri());
		form.put("code_verifier", login.authorize().pkce().verifier());
		form.put("client_id", login.authorize().clientId());
		return form;
	}

	private void assertOAuth2Error(HttpResponse<String> response, int status, String error) {
		assertThat(response.statusCode()).isEqualTo(status);
		JsonNode body = this.browser.json(response);
		assertThat(body.get("error").asString()).isEqualTo(error);
		assertThat(body.get("error_description").asString()).isNotBlank();
	}

	/**
	 * Auth0's answer to a refused code (docs/auth0-compat.md): Spring's own "Client
	 * authentication failed: code" names a client failure that is not one.
	 */
	private void assertInvalidCode(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(403);
		JsonNode body = this.browser.json(response);
		assertThat(body.get("error").asString()).isEqualTo("invalid_grant");
		assertThat(body.get("error_description").asString()).isEqualTo("Invalid authorization code");
	}

}
