package dev.porter.profile.config;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard hands each of the three properties to the rule; the rule's cases are
 * {@code ManagementPortsTests} in common.
 */
class ManagementPortGuardTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ManagementPortGuard.class);

	// Not 8080, which the rule takes for an unset server.port: this fails unless the
	// guard hands it both ports.
	@Test
	void startWhenManagementPortIsThePublicPortThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("server.port=9090", "management.server.port=9090")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("MANAGEMENT_PORT (9090) must differ from PORT"));
	}

	@Test
	void startWhenManagementPortDiffersThenStarts() {
		this.runner.withPropertyValues("server.port=8080", "management.server.port=9080")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenManagementAddressEmptyThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("server.port=8080", "management.server.port=9080", "management.server.address=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("MANAGEMENT_ADDRESS"));
	}

}
