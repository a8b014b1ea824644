package dev.porter.profile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Orchestrators probe {@code /livez} and {@code /readyz} on the API port and get the
 * status only; metrics and health details are served on the management port alone, which
 * listens on loopback.
 */
class ProfileServiceHealthTests extends ProfileServiceIntegrationTest {

	@Autowired
	Environment environment;

	@Test
	void livenessWhenStartedThenUpOnApiPort() {
		this.client.get().uri("/livez").exchange().expectStatus().isOk().expectBody().json("""
				{"status":"UP"}""", JsonCompareMode.STRICT);
	}

	// An open Management API circuit is no reason to take the instance out of service:
	// cached profiles are still served, a tenant-wide outage opens every instance's
	// circuit at once (so every instance would drain), and a circuit leaves OPEN only
	// when a call asks, which an instance taken out of service never receives.
	@Test
	void readinessWhenManagementCircuitOpenThenStillReadyOnApiPort() {
		managementCircuit().transitionToOpenState();
		this.client.get().uri("/readyz").exchange().expectStatus().isOk().expectBody().json("""
				{"status":"UP"}""", JsonCompareMode.STRICT);
		this.client.get().uri("/livez").exchange().expectStatus().isOk();
	}

	@Test
	void healthWhenManagementCircuitOpenThenOutOfServiceOnManagementPortButReady() {
		management().get().uri("/actuator/health").exchange().expectStatus().isOk();
		managementCircuit().transitionToOpenState();
		management().get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("OUT_OF_SERVICE")
			.jsonPath("$.components.managementCircuit.details.circuit")
			.isEqualTo("OPEN");
		management().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
		management().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/prometheus", "/actuator/health", "/actuator/health/readiness",
			"/actuator/health/liveness", "/actuator" })
	void operationalEndpointWhenAskedOnApiPortThenNotFound(String path) {
		this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("resilience4j_", "\"UP\""));
	}

	@Test
	void prometheusWhenProfileServedThenExportsUpstreamLatencyCircuitRetryAndCacheMetersOnManagementPort() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		this.client.get().uri("/me").headers((h) -> h.setBearerAuth(token)).exchange().expectStatus().isOk();
		management().get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("http_client_requests_seconds_count{")
				.contains("resilience4j_circuitbreaker_state{")
				.contains("resilience4j_retry_calls")
				.contains("cache_gets_total{")
				.contains("profile_cache_lookups_total{")
				.contains("name=\"management\""));
	}

	/**
	 * On Linux every address of 127.0.0.0/8 is local: a listener on all interfaces
	 * accepts on 127.0.0.2, one bound to 127.0.0.1 refuses there.
	 */
	@Test
	void managementPortWhenAddressNotSetThenListensOnLoopbackOnly() {
		int management = managementPort();
		assumeTrue(accepts("127.0.0.2", this.port), "this system does not route 127.0.0.2 to loopback");
		assertThat(accepts("127.0.0.1", management)).isTrue();
		assertThat(accepts("127.0.0.2", management)).as("management port on 127.0.0.2").isFalse();
	}

	// Read when needed, not injected: without a management server the other tests still
	// show what the API port answers.
	private int managementPort() {
		Integer port = this.environment.getProperty("local.management.port", Integer.class);
		assertThat(port).as("a management server on its own port").isNotNull().isNotEqualTo(this.port);
		return port;
	}

	private WebTestClient management() {
		return WebTestClient
			.bindToServer(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
			.baseUrl("http://localhost:" + managementPort())
			.responseTimeout(Duration.ofSeconds(20))
			.build();
	}

	private static boolean accepts(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
