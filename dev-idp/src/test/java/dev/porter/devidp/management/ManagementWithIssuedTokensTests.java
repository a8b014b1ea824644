package dev.porter.devidp.management;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.TestLogins.Login;
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

	private static final String BOB_PATH = "api/v2/users/google-oauth2%7C103547991597142817347";

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
	void getUserWhenClientCredentialsTokenExpiredByDevIdpClockThenUnauthorized() {
		String token = token("porter-profile", "porter-profile-dev-secret");
		this.devIdpClock.shift(Duration.ofDays(1));

		assertThat(call("GET", ALICE_PATH, token, null).statusCode()).isEqualTo(401);
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

	// Auth0 gives a token issued to a signed-in user only the *current_user* scopes of
	// the
	// Management API: a user must never be able to act on other users.
	@Test
	void userLoginWhenAskingForManagementScopesOverAllUsersThenInvalidScope() {
		Login login = this.client.login(
				Authorize.gateway("openid read:users update:users create:users", ISSUER + "api/v2/"), "alice", "alice");

		assertThat(login.parameters()).containsEntry("error", "invalid_scope").doesNotContainKey("code");
	}

	@Test
	void userLoginWithCurrentUserScopesThenActsOnItsOwnUserOnly() {
		String token = userToken("openid read:current_user update:current_user_metadata");

		assertThat(call("GET", ALICE_PATH, token, null).statusCode()).isEqualTo(200);
		HttpResponse<String> own = call("PATCH", ALICE_PATH, token, "{\"user_metadata\":{\"self_service\":\"yes\"}}");
		assertThat(own.statusCode()).isEqualTo(200);
		assertThat(this.client.json(own).get("user_metadata").get("self_service").asString()).isEqualTo("yes");
		HttpResponse<String> other = call("PATCH", BOB_PATH, token, "{\"user_metadata\":{\"theme\":\"pwned\"}}");
		assertThat(other.statusCode()).isEqualTo(403);
		assertThat(this.client.json(other).get("message").asString()).isEqualTo(CallerPolicy.NOT_SUBJECT);
		assertThat(call("GET", BOB_PATH, token, null).statusCode()).isEqualTo(403);
	}

	@Test
	void getUserWhenNoTokenThenUnauthorized() {
		assertThat(call("GET", ALICE_PATH, null, null).statusCode()).isEqualTo(401);
	}

	// The Management API reads its bearer token alone, never the browser's IdP session.
	@Test
	void getUserWhenOnlyTheIdpSessionOfTheUserThenUnauthorized() {
		this.client.login(Authorize.gateway("openid", null), "alice", "alice");
		assertThat(this.client.cookie("JSESSIONID")).isNotNull();
		assertThat(call("GET", ALICE_PATH, null, null).statusCode()).isEqualTo(401);
	}

	@Test
	void getUserWhenIdTokenThenUnauthorized() {
		Login login = this.client.login(Authorize.gateway("openid read:current_user", ISSUER + "api/v2/"), "alice",
				"alice");
		String idToken = this.client.json(this.client.exchange(login, TestLogins.GATEWAY_SECRET))
			.get("id_token")
			.asString();
		assertThat(call("GET", ALICE_PATH, idToken, null).statusCode()).isEqualTo(401);
	}

	private String token(String clientId, String secret) {
		HttpResponse<String> response = this.client.postForm(ISSUER + "oauth/token", Map.of("grant_type",
				"client_credentials", "client_id", clientId, "client_secret", secret, "audience", ISSUER + "api/v2/"),
				null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return this.client.json(response).get("access_token").asString();
	}

	private String userToken(String scope) {
		Login login = this.client.login(Authorize.gateway(scope, ISSUER + "api/v2/"), "alice", "alice");
		HttpResponse<String> response = this.client.exchange(login, TestLogins.GATEWAY_SECRET);
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
