package dev.porter.devidp.issued;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.TestLogins.Login;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class IssuedTokensTests extends DevIdpServerTestSupport {

	private final TestLogins browser = new TestLogins(ISSUER);

	@Test
	void issuedTokensWhenUserLoggedInThenListsTheExactTokensAndSid() {
		Login login = this.browser
			.login(Authorize.gateway("openid profile email offline_access", TestLogins.API_AUDIENCE), "alice", "alice");
		JsonNode tokens = this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET));
		String sid = this.browser.payload(tokens.get("id_token").asString()).get("sid").asString();

		JsonNode issued = this.browser.json(
				this.browser.get(ISSUER + "dev/issued-tokens?client_id=porter-gateway", "Accept", "application/json"));

		JsonNode match = null;
		for (JsonNode entry : issued) {
			if (entry.get("access_token").asString().equals(tokens.get("access_token").asString())) {
				match = entry;
			}
		}
		assertThat(match).as("the access token just issued is listed").isNotNull();
		assertThat(match.get("refresh_token").asString()).isEqualTo(tokens.get("refresh_token").asString());
		assertThat(match.get("id_token").asString()).isEqualTo(tokens.get("id_token").asString());
		assertThat(match.get("sid").asString()).isEqualTo(sid);
		assertThat(match.get("subject").asString()).isEqualTo("auth0|5f7c8ec7c33c6c004bbafe82");
	}

	@Test
	void issuedTokensWhenFilteredByOtherClientThenNoGatewayTokens() {
		this.browser.login(Authorize.gateway("openid", null), "alice", "alice");

		JsonNode issued = this.browser.json(
				this.browser.get(ISSUER + "dev/issued-tokens?client_id=porter-profile", "Accept", "application/json"));

		for (JsonNode entry : issued) {
			assertThat(entry.get("client_id").asString()).isEqualTo("porter-profile");
		}
	}

}
