package dev.porter.profile.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timers of an upstream's HTTP client around its policy's time limiter, which alone
 * decides when an attempt took too long: as long as the limiter, the client's response
 * timeout fired first by chance. (Its wait for a pooled connection, ending before the
 * limiter: {@code BusyConnectionsTests}.)
 */
class WebClientConfigurationTests {

	private static final Duration ATTEMPT = Duration.ofSeconds(2);

	private static final ResilienceProperties.Upstream SETTINGS = new ResilienceProperties.Upstream(
			Duration.ofMillis(3500), ATTEMPT, Duration.ofSeconds(1), 10, 3, Duration.ofMillis(100), 0.5,
			Duration.ofSeconds(2), 50, 10, 5, Duration.ofSeconds(30), 10, 1000, Duration.ofSeconds(1),
			Duration.ofSeconds(1));

	@Test
	void upstreamHttpClientWhenBuiltThenItsResponseTimeoutIsOnlyABackstopBeyondTheAttemptTimeout() {
		Duration responseTimeout = WebClientConfiguration.upstreamHttpClient("management", SETTINGS)
			.configuration()
			.responseTimeout();

		assertThat(responseTimeout).isNotNull().isGreaterThanOrEqualTo(ATTEMPT.multipliedBy(2));
	}

}
