package dev.porter.gateway;

import dev.porter.gateway.support.Listeners;
import dev.porter.gateway.support.TestClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The IdP is unreachable (nothing listens on its port): the gateway still starts, reports
 * healthy and ready, and a login attempt gets a 503 problem instead of a hang or a stack
 * trace. Orchestrators probe {@code /livez} and {@code /readyz} on the public port;
 * everything else operational (metrics, health details) is served only on the management
 * port, which listens on loopback.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "porter.oidc.issuer-uri=http://127.0.0.1:1/", "porter.oidc.client-secret=test-secret" })
class GatewayHealthTests {

	/** A probe or a scrape every few seconds must not fill the session store. */

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	private WebTestClient client() {
		return TestClients.gateway(this.port);
	}

	// Read when needed, not injected: without a management server the other tests still
	// show what the public port answers.
	private int managementPort() {
		Integer port = this.environment.getProperty("local.management.port", Integer.class);
		assertThat(port).as("a management server on its own port").isNotNull().isNotEqualTo(this.port);
		return port;
	}

	@Test
	void livenessWhenIdpUnreachableThenUpOnPublicPort() {
		client().get().uri("/livez").exchange().expectStatus().isOk().expectBody().json("""
				{"status":"UP"}""", JsonCompareMode.STRICT);
	}

	@Test
	void readinessWhenIdpUnreachableThenUpOnPublicPortWithoutDetails() {
		client().get()
			.uri("/readyz")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			// no session, and since the CSRF token lives in the session, no cookie at all
			.doesNotExist(HttpHeaders.SET_COOKIE)
			.expectBody()
			.json("""
					{"status":"UP"}""", JsonCompareMode.STRICT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/prometheus", "/actuator/health", "/actuator/health/readiness",
			"/actuator/health/liveness", "/actuator" })
	void operationalEndpointWhenAskedOnPublicPortThenNotFound(String path) {
		client().get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("porter_", "\"UP\""));
	}

	// The docs promise operators health details on the management port: they were
	// shown nowhere, so a DOWN instance did not say which indicator was down.
	@Test
	void healthWhenAskedOnManagementPortThenEachIndicatorWithItsDetails() {
		TestClients.gateway(managementPort())
			.get()
			.uri("/actuator/health")
			.exchange()
			.expectBody()
			.jsonPath("$.components.readinessState.status")
			.isEqualTo("UP")
			.jsonPath("$.components.livenessState.status")
			.isEqualTo("UP");
	}

	@Test
	void readinessWhenAskedOnManagementPortThenUp() {
		TestClients.gateway(managementPort())
			.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void prometheusWhenScrapedAfterARequestThenTimesRequestsWithoutTheInFlightTimer() {
		client().get().uri("/livez").exchange().expectStatus().isOk();

		TestClients.gateway(managementPort())
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("http_server_requests_seconds_count")
				.doesNotContain("http_server_requests_active"));
	}

	@Test
	void prometheusWhenScrapedOnManagementPortThenExposesGatewayMetrics() {
		TestClients.gateway(managementPort())
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			// no session, and since the CSRF token lives in the session, no cookie at all
			.doesNotExist(HttpHeaders.SET_COOKIE)
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("porter_token_refreshes", "porter_logins_total",
					"resilience4j_circuitbreaker_state"));
	}

	@Test
	void managementPortWhenAddressNotSetThenListensOnLoopbackOnly() {
		int management = managementPort();
		assumeTrue(Listeners.accepts(Listeners.OTHER_LOOPBACK, this.port),
				"this system does not route 127.0.0.2 to loopback");
		assertThat(Listeners.accepts("127.0.0.1", management)).isTrue();
		assertThat(Listeners.accepts(Listeners.OTHER_LOOPBACK, management)).as("management port on 127.0.0.2")
			.isFalse();
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

}
