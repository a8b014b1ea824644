package dev.porter.gateway.devices;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /bff/sessions} spends a per-user request budget ({@code RATE_LIMIT}) of its own:
 * a script listing or ending sessions in a loop gets 429 like one calling the API, and
 * leaves the budget of {@code /me} (which a sibling subdomain's page could otherwise
 * spend through the browser) alone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionsRateLimitTests {

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", () -> TestIdp.instance().issuer());
		registry.add("porter.oidc.client-id", () -> TestIdp.CLIENT_ID);
		registry.add("porter.oidc.client-secret", () -> TestIdp.CLIENT_SECRET);
		registry.add("porter.relay.profile-service-uri", () -> "http://127.0.0.1:9");
		registry.add("porter.relay.rate-limit", () -> "3");
	}

	@Test
	void listWhenUserExceedsRateLimitThenTooManyRequestsProblemWithRetryAfter() {
		Browser browser = new Browser(TestClients.gateway(this.port)).login("auth0|lister", 3600);
		for (int i = 0; i < 3; i++) {
			browser.get("/bff/sessions").exchange().expectStatus().isOk();
		}

		browser.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
		browser.get("/me").exchange().expectStatus().value((status) -> assertThat(status).isNotEqualTo(429));
		Browser other = new Browser(TestClients.gateway(this.port)).login("auth0|other-lister", 3600);
		other.get("/bff/sessions").exchange().expectStatus().isOk();
	}

}
