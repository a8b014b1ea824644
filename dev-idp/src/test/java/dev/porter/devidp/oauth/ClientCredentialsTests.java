package dev.porter.devidp.oauth;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class ClientCredentialsTests extends DevIdpServerTestSupport {

	private static final String MANAGEMENT_AUDIENCE = ISSUER + "api/v2/";

	private final TestLogins client = new TestLogins(ISSUER);

	@Test
	void tokenWhenClientGrantedManagementApiThenAuth0ShapedJwt() {
		HttpResponse<String> response = token("porter-profile", "porter-profile-dev-secret", MANAGEMENT_AUDIENCE, null);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = this.client.json(response);
		assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(body.get("expires_in").asLong()).isBetween(ACCESS_TOKEN_TTL.toSeconds() - 5,
				ACCESS_TOKEN_TTL.toSeconds());
		assertThat(body.has("refresh_token")).isFalse();

		Jwt jwt = issuerDecoder().decode(body.get("access_token").asString());
		assertThat(jwt.getAudience()).containsExactly(MANAGEMENT_AUDIENCE);
		JsonNode aud = this.client.payload(body.get("access_token").asString()).get("aud");
		assertThat(aud.isString()).isTrue();
		assertThat(jwt.getSubject()).isEqualTo("porter-profile@clients");
		assertThat(jwt.getClaimAsString("gty")).isEqualTo("client-credentials");
		assertThat(jwt.getClaimAsString("azp")).isEqualTo("porter-profile");
		assertThat(jwt.getClaimAsString("scope")).isEqualTo("read:users update:users");
		assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(ACCESS_TOKEN_TTL);
	}

	@Test
	void tokenWhenSubsetOfGrantedScopesRequestedThenOnlyThose() {
		JsonNode body = this.client
			.json(token("porter-profile", "porter-profile-dev-secret", MANAGEMENT_AUDIENCE, "read:users"));
		assertThat(issuerDecoder().decode(body.get("access_token").asString()).getClaimAsString("scope"))
			.isEqualTo("read:users");
	}

	@Test
	void tokenWhenReadOnlyClientThenOnlyReadScope() {
		JsonNode body = this.client
			.json(token("porter-readonly", "porter-readonly-dev-secret", MANAGEMENT_AUDIENCE, null));
		assertThat(issuerDecoder().decode(body.get("access_token").asString()).getClaimAsString("scope"))
			.isEqualTo("read:users");
	}

	@Test
	void tokenWhenScopeBeyondGrantThenAccessDenied() {
		assertAccessDenied(
				token("porter-readonly", "porter-readonly-dev-secret", MANAGEMENT_AUDIENCE, "read:users update:users"));
	}

	@Test
	void tokenWhenNoClientGrantForAudienceThenAccessDenied() {
		HttpResponse<String> response = token("porter-profile", "porter-profile-dev-secret", TestLogins.API_AUDIENCE,
				null);
		assertAccessDenied(response);
		assertThat(this.client.json(response).get("error_description").asString())
			.contains("Client is not authorized to access \"" + TestLogins.API_AUDIENCE + "\"");
	}

	@Test
	void tokenWhenNoAudienceThenAccessDenied() {
		assertAccessDenied(token("porter-profile", "porter-profile-dev-secret", null, null));
	}

	@Test
	void tokenWhenSecretWrongThenAuth0sAccessDeniedUnauthorized() {
		HttpResponse<String> response = token("porter-profile", "wrong", MANAGEMENT_AUDIENCE, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(this.client.json(response).get("error").asString()).isEqualTo("access_denied");
		assertThat(this.client.json(response).get("error_description").asString()).isEqualTo("Unauthorized");
	}

	@Test
	void tokenWhenClientUnknownThenAuth0sAccessDeniedUnauthorized() {
		HttpResponse<String> response = token("nobody", "whatever", MANAGEMENT_AUDIENCE, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(this.client.json(response).get("error").asString()).isEqualTo("access_denied");
		assertThat(this.client.json(response).get("error_description").asString()).isEqualTo("Unauthorized");
	}

	@Test
	void tokenWhenNoClientNamedThenUnauthorizedJsonNotLoginRedirect() {
		HttpResponse<String> response = this.client.postForm(ISSUER + "oauth/token",
				Map.of("grant_type", "client_credentials", "audience", MANAGEMENT_AUDIENCE), null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(this.client.json(response).get("error").asString()).isEqualTo("invalid_client");
	}

	// A public client's client_id is no credential, nor is a token dev-idp issued.
	@Test
	void tokenWhenPublicClientIdAloneThenInvalidClient() {
		HttpResponse<String> response = this.client.token(
				Map.of("grant_type", "client_credentials", "client_id", "porter-spa", "audience", MANAGEMENT_AUDIENCE),
				null, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(this.client.json(response).get("error").asString()).isEqualTo("invalid_client");
	}

	@Test
	void tokenWhenBearerTokenInsteadOfClientCredentialsThenInvalidClient() {
		String accessToken = this.client
			.json(token("porter-profile", "porter-profile-dev-secret", MANAGEMENT_AUDIENCE, null))
			.get("access_token")
			.asString();
		HttpResponse<String> response = this.client.token(
				Map.of("grant_type", "client_credentials", "audience", MANAGEMENT_AUDIENCE), null, null,
				"Authorization", "Bearer " + accessToken);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(this.client.json(response).get("error").asString()).isEqualTo("invalid_client");
	}

	@Test
	void tokenWhenClientHasNoClientCredentialsGrantThenUnauthorizedClient() {
		HttpResponse<String> response = token(TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET, MANAGEMENT_AUDIENCE, null);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(this.client.json(response).get("error").asString()).isEqualTo("unauthorized_client");
	}

	private HttpResponse<String> token(String clientId, String secret, String audience, String scope) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "client_credentials");
		form.put("client_id", clientId);
		form.put("client_secret", secret);
		if (audience != null) {
			form.put("audience", audience);
		}
		if (scope != null) {
			form.put("scope", scope);
		}
		return this.client.token(form, null, null);
	}

	private void assertAccessDenied(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(this.client.json(response).get("error").asString()).isEqualTo("access_denied");
	}

}
