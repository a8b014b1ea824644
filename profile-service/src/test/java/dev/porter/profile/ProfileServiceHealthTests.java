package dev.porter.profile;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;

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
	void prometheusWhenScrapedThenExportsCircuitRetryAndCacheMeters() {
		this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> org.assertj.core.api.Assertions.assertThat(body)
				.contains("resilience4j_circuitbreaker_state{")
				.contains("resilience4j_retry_calls")
				.contains("cache_gets_total{")
				.contains("name=\"management\""));
	}

}
