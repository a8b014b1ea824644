package dev.porter.profile;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileServiceHealthTests extends ProfileServiceIntegrationTest {

	@Test
	void livenessWhenStartedThenUp() {
		this.client.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void readinessWhenManagementCircuitOpenThenOutOfService() {
		this.client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
		managementCircuit().transitionToOpenState();
		this.client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("OUT_OF_SERVICE");
		this.client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
	}

	@Test
	void prometheusWhenProfileServedThenExportsUpstreamLatencyCircuitRetryAndCacheMeters() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		this.client.get().uri("/me").headers((h) -> h.setBearerAuth(token)).exchange().expectStatus().isOk();
		this.client.get()
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

}
