package dev.porter.profile.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class ManagementPortGuardTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ManagementPortGuard.class);

	@Test
	void startWhenManagementPortIsThePublicPortThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("server.port=8080", "management.server.port=8080")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("MANAGEMENT_PORT (8080) must differ from PORT"));
	}

	// Boot reads both as numbers: 08080, +8080 or " 8080" is port 8080, and actuator
	// would answer on the public port.
	@ParameterizedTest
	@ValueSource(strings = { "08080", "+8080", " 8080 " })
	void startWhenManagementPortIsThePublicPortWrittenOtherwiseThenFailsNamingTheVariable(String management) {
		this.runner.withPropertyValues("server.port=8080", "management.server.port=" + management)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("must differ from PORT"));
	}

	@Test
	void startWhenManagementPortDiffersThenStarts() {
		this.runner.withPropertyValues("server.port=8080", "management.server.port=9080")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenManagementPortEmptyThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("server.port=8080", "management.server.port=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("MANAGEMENT_PORT"));
	}

	@Test
	void startWhenManagementAddressEmptyThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("server.port=8080", "management.server.port=9080", "management.server.address=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("MANAGEMENT_ADDRESS"));
	}

	@Test
	void startWhenManagementAddressGivenThenStarts() {
		this.runner
			.withPropertyValues("server.port=8080", "management.server.port=9080", "management.server.address=10.0.0.5")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenBothPortsRandomThenStarts() {
		this.runner.withPropertyValues("server.port=0", "management.server.port=0")
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
