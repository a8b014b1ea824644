package dev.porter.devidp.oauth;

import java.net.http.HttpResponse;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.TestLogins.Login;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /oauth/token} as Auth0 accepts it: a JSON body as well as a form (Auth0's Java
 * SDK sends JSON), for every grant, and Auth0's error bodies whichever format was used.
 */
class TokenRequestFormatTests extends DevIdpServerTestSupport {

	private static final String TOKEN = ISSUER + "oauth/token";

	private static final String MANAGEMENT_AUDIENCE = ISSUER + "api/v2/";

	private final TestLogins browser = new TestLogins(ISSUER);

	@Test
	void tokenWhenClientCredentialsSentAsJsonThenIssued() {
		HttpResponse<String> response = this.browser.postJson(TOKEN, """
				{"grant_type":"client_credentials","client_id":"porter-profile",
				 "client_secret":"porter-profile-dev-secret","audience":"%s"}""".formatted(MANAGEMENT_AUDIENCE));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		String accessToken = this.browser.json(response).get("access_token").asString();
		assertThat(issuerDecoder().decode(accessToken).getSubject()).isEqualTo("porter-profile@clients");
	}

	@Test
	void tokenWhenCodeAndThenRefreshSentAsJsonThenBothIssued() {
		Login login = this.browser.login(Authorize.gateway("openid profile email offline_access", null), "alice",
				"alice");
		HttpResponse<String> exchanged = this.browser.postJson(TOKEN, """
				{"grant_type":"authorization_code","client_id":"%s","client_secret":"%s","code":"%s",
				 "redirect_uri":"%s","code_verifier":"%s"}""".formatted(TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET,
				login.code(), login.authorize().redirectUri(), login.authorize().pkce().verifier()));
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		String refreshToken = this.browser.json(exchanged).get("refresh_token").asString();

		HttpResponse<String> refreshed = this.browser.postJson(TOKEN, """
				{"grant_type":"refresh_token","client_id":"%s","client_secret":"%s","refresh_token":"%s"}"""
			.formatted(TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET, refreshToken));
		assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
		assertThat(this.browser.json(refreshed).get("refresh_token").asString()).isNotEqualTo(refreshToken);
	}

	@Test
	void revokeWhenSentAsJsonThenRefreshTokenNoLongerWorks() {
		Login login = this.browser.login(Authorize.gateway("openid profile email offline_access", null), "alice",
				"alice");
		String refreshToken = this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET))
			.get("refresh_token")
			.asString();

		HttpResponse<String> revoked = this.browser.postJson(ISSUER + "oauth/revoke", """
				{"client_id":"%s","client_secret":"%s","token":"%s"}""".formatted(TestLogins.GATEWAY,
				TestLogins.GATEWAY_SECRET, refreshToken));
		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

		HttpResponse<String> refreshed = this.browser.postJson(TOKEN, """
				{"grant_type":"refresh_token","client_id":"%s","client_secret":"%s","refresh_token":"%s"}"""
			.formatted(TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET, refreshToken));
		assertThat(refreshed.statusCode()).isEqualTo(403);
		assertThat(this.browser.json(refreshed).get("error").asString()).isEqualTo("invalid_grant");
	}

	@Test
	void tokenWhenJsonSecretWrongThenAccessDeniedUnauthorized() {
		HttpResponse<String> response = this.browser.postJson(TOKEN, """
				{"grant_type":"client_credentials","client_id":"porter-profile","client_secret":"wrong",
				 "audience":"%s"}""".formatted(MANAGEMENT_AUDIENCE));
		assertThat(response.statusCode()).isEqualTo(401);
		JsonNode body = this.browser.json(response);
		assertThat(body.get("error").asString()).isEqualTo("access_denied");
		assertThat(body.get("error_description").asString()).isEqualTo("Unauthorized");
	}

	@Test
	void tokenWhenJsonIsNotAnObjectThenInvalidRequest() {
		HttpResponse<String> response = this.browser.postJson(TOKEN, "[\"grant_type\"");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(this.browser.json(response).get("error").asString()).isEqualTo("invalid_request");
	}

	@Test
	void tokenWhenGrantTypeUnknownThenUnsupportedGrantTypeNamingIt() {
		HttpResponse<String> response = this.browser.postJson(TOKEN, """
				{"grant_type":"urn:example:magic","client_id":"porter-profile",
				 "client_secret":"porter-profile-dev-secret"}""");
		assertThat(response.statusCode()).isEqualTo(400);
		JsonNode body = this.browser.json(response);
		assertThat(body.get("error").asString()).isEqualTo("unsupported_grant_type");
		assertThat(body.get("error_description").asString()).isEqualTo("Unsupported grant type: urn:example:magic");
	}

}
