package dev.porter.devidp.faults;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class FaultsPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesOnly.class);

	// A negative cap made every fault's latency negative: the sleep that injects it
	// threw,
	// and each request answered 500 instead of the fault asked for.
	@Test
	void startWhenMaxLatencyNegativeThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("porter.faults.max-latency=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("DEV_IDP_FAULTS_MAX_LATENCY"));
	}

	@Test
	void startWhenMaxLatencyZeroThenStartsWithoutLatency() {
		this.runner.withPropertyValues("porter.faults.max-latency=0s")
			.run((context) -> assertThat(context.getBean(FaultsProperties.class).maxLatency()).isZero());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(FaultsProperties.class)
	static class PropertiesOnly {

	}

}
