package dev.porter.devidp.management;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Management API with tokens dev-idp itself issued by client credentials (the other
 * Management tests mint their own): proves the two halves of dev-idp agree on issuer,
 * audience, keys and scopes.
 */
class ManagementWithIssuedTokensTests extends DevIdpServerTestSupport {

	private static final String ALICE_PATH = "api/v2/users/auth0%7C5f7c8ec7c33c6c004bbafe82";

	private final TestLogins client = new TestLogins(ISSUER);

	@Test
	void getUserWhenClientCredentialsTokenWithReadUsersThenAuth0User() {
		HttpResponse<String> response = call("GET", ALICE_PATH, token("porter-profile", "porter-profile-dev-secret"),
				null);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode user = this.client.json(response);
		assertThat(user.get("user_id").asString()).isEqualTo("auth0|5f7c8ec7c33c6c004bbafe82");
		assertThat(user.get("user_metadata").get("country").asString()).isEqualTo("NZ");
	}

	@Test
	void patchUserWhenClientCredentialsTokenWithUpdateUsersThenMerged() {
		HttpResponse<String> response = call("PATCH", ALICE_PATH, token("porter-profile", "porter-profile-dev-secret"),
				"{\"user_metadata\":{\"issued_token_test\":\"yes\"}}");

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode metadata = this.client.json(response).get("user_metadata");
		assertThat(metadata.get("issued_token_test").asString()).isEqualTo("yes");
		assertThat(metadata.get("country").asString()).isEqualTo("NZ");
	}

	@Test
	void patchUserWhenTokenHasOnlyReadUsersThenInsufficientScope() {
		HttpResponse<String> response = call("PATCH", ALICE_PATH,
				token("porter-readonly", "porter-readonly-dev-secret"), "{\"user_metadata\":{\"nope\":1}}");

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(this.client.json(response).get("errorCode").asString()).isEqualTo("insufficient_scope");
	}

	@Test
	void getUserWhenNoTokenThenUnauthorized() {
		assertThat(call("GET", ALICE_PATH, null, null).statusCode()).isEqualTo(401);
	}

	private String token(String clientId, String secret) {
		HttpResponse<String> response = this.client.postForm(ISSUER + "oauth/token", Map.of("grant_type",
				"client_credentials", "client_id", clientId, "client_secret", secret, "audience", ISSUER + "api/v2/"),
				null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return this.client.json(response).get("access_token").asString();
	}

	private HttpResponse<String> call(String method, String path, String token, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ISSUER + path))
			.header("Accept", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.client.send(request.build());
	}

}
