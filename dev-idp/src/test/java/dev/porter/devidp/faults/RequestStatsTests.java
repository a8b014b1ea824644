package dev.porter.devidp.faults;

import dev.porter.devidp.DevIdpServerTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.util.LinkedMultiValueMap;

/** The request counters under {@code /dev/stats}, observed over real HTTP. */
class RequestStatsTests extends DevIdpServerTestSupport {

	@LocalServerPort
	int port;

	RestTestClient client;

	@BeforeEach
	void resetStats() {
		this.client = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
		this.client.delete().uri("/dev/stats").exchange().expectStatus().isNoContent();
	}

	@Test
	void statsWhenRequestsArriveThenCountedByGrantTypeAndMethod() {
		tokenRequest("refresh_token");
		tokenRequest("client_credentials");
		tokenRequest("client_credentials");
		this.client.get().uri("/userinfo").exchange();
		this.client.get().uri("/api/v2/users/{id}", "auth0|x").exchange();
		this.client.get().uri("/api/v2/users/{id}", "auth0|x").exchange();
		this.client.patch()
			.uri("/api/v2/users/{id}", "auth0|x")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{}")
			.exchange();
		this.client.get().uri("/dev/stats").exchange().expectStatus().isOk().expectBody().json("""
				{"token":{"authorization_code":0,"refresh_token":1,"client_credentials":2},
				 "userinfo":1,"management":{"get":2,"patch":1}}""", JsonCompareMode.STRICT);
	}

	@Test
	void deleteWhenCountsRecordedThenZero() {
		tokenRequest("authorization_code");
		this.client.delete().uri("/dev/stats").exchange().expectStatus().isNoContent();
		this.client.get().uri("/dev/stats").exchange().expectBody().json("""
				{"token":{"authorization_code":0,"refresh_token":0,"client_credentials":0},
				 "userinfo":0,"management":{"get":0,"patch":0}}""", JsonCompareMode.STRICT);
	}

	private void tokenRequest(String grantType) {
		var form = new LinkedMultiValueMap<String, String>();
		form.add("grant_type", grantType);
		this.client.post().uri("/oauth/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form).exchange();
	}

}
