package dev.porter.gateway;

import java.time.Duration;

import dev.porter.gateway.support.TestClients;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The IdP is unreachable (nothing listens on its port): the gateway still starts, reports
 * healthy and ready, and a login attempt gets a 503 problem instead of a hang or a stack
 * trace.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "porter.oidc.issuer-uri=http://127.0.0.1:1/", "porter.oidc.client-secret=test-secret" })
class GatewayHealthTests {

	@LocalServerPort
	int port;

	private WebTestClient client() {
		return TestClients.gateway(this.port);
	}

	@Test
	void livenessWhenIdpUnreachableThenUp() {
		client().get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void readinessWhenIdpUnreachableThenUp() {
		client().get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void loginWhenIdpUnreachableThenServiceUnavailableProblem() {
		client().get()
			.uri("/bff/login")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Identity provider unavailable");
	}

	@Test
	void prometheusWhenScrapedThenExposesGatewayMetrics() {
		client().get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> org.assertj.core.api.Assertions.assertThat(body)
				.contains("porter_token_refreshes", "porter_logins_total", "resilience4j_circuitbreaker_state"));
	}

}
