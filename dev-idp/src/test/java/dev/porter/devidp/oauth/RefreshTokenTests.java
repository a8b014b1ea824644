package dev.porter.devidp.oauth;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class RefreshTokenTests extends DevIdpServerTestSupport {

	private final TestLogins browser = new TestLogins(ISSUER);

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

		HttpResponse<String> reused = refresh(first);
		assertThat(reused.statusCode()).isEqualTo(400);
		assertThat(this.browser.json(reused).get("error").asString()).isEqualTo("invalid_grant");
		assertThat(this.browser.json(reused).get("error_description").asString())
			.isEqualTo("Unknown or invalid refresh token.");

		assertThat(refresh(second).statusCode()).isEqualTo(200);
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

	private JsonNode signIn() {
		Authorize authorize = Authorize.gateway("openid profile email offline_access", TestLogins.API_AUDIENCE);
		return this.browser
			.json(this.browser.exchange(this.browser.login(authorize, "alice", "alice"), TestLogins.GATEWAY_SECRET));
	}

	private HttpResponse<String> refresh(String refreshToken) {
		return this.browser.token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
				TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET);
	}

	private static String sid(JsonNode tokens) {
		return issuerDecoder().decode(tokens.get("id_token").asString()).getClaimAsString("sid");
	}

}
