package dev.porter.gateway.session;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

class SessionEndpointTests extends GatewayTestSupport {

	@Test
	void sessionWhenAnonymousThenNotAuthenticatedWithLoginUrl() {
		this.client.get()
			.uri("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false)
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login")
			.jsonPath("$.user")
			.doesNotExist();
	}

	@Test
	void sessionWhenLoggedInThenUserClaimsWithoutAnyTokenAndNoIdpCall() {
		Browser browser = browser().login("auth0|alice", 3600);
		WireMockServer idp = TestIdp.instance().server();
		idp.resetRequests();
		String body = browser.get("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.cacheControl(CacheControl.noStore())
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		Map<String, Object> session = JsonMapper.builder().build().readValue(body, new TypeReference<>() {
		});
		assertThat(session).containsEntry("authenticated", true).containsKey("expires_at");
		assertThat(session.get("user")).isEqualTo(Map.of("sub", "auth0|alice", "name", "Alice Example", "email",
				"alice@example.com", "picture", "https://example.com/alice.png"));
		assertThat(body).doesNotContain(browser.tokens().accessToken(), browser.tokens().refreshToken(), "eyJ");
		assertThat(idp.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

}
