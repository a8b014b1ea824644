package dev.porter.profile.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Stops start-up when {@code MANAGEMENT_PORT} names the API port ({@code PORT}): Spring
 * Boot would then serve actuator (metrics, health details) on that port to everyone,
 * which is what the separate management port exists to prevent. Port 0 (a random port, as
 * tests use) is never the same port. An empty {@code MANAGEMENT_PORT} or
 * {@code MANAGEMENT_ADDRESS} (a deployment template that sets it blank) stops start-up
 * too: the YAML default applies only when the variable is unset, and Boot reads an empty
 * port as "the same port" and an empty address as "every interface".
 */
@Configuration(proxyBeanMethods = false)
class ManagementPortGuard {

	ManagementPortGuard(Environment environment) {
		String management = environment.getProperty("management.server.port");
		if (management != null && management.isBlank()) {
			throw new IllegalStateException(
					"MANAGEMENT_PORT is empty: set a port other than PORT, or unset it for the default");
		}
		String address = environment.getProperty("management.server.address");
		if (address != null && address.isBlank()) {
			throw new IllegalStateException(
					"MANAGEMENT_ADDRESS is empty: set the interface actuator listens on, or unset it for loopback");
		}
		// Compared as Boot compares them, as numbers: 08080 is port 8080.
		Integer serverPort = environment.getProperty("server.port", Integer.class, 8080);
		Integer managementPort = environment.getProperty("management.server.port", Integer.class);
		if (serverPort.equals(managementPort) && serverPort != 0) {
			throw new IllegalStateException("MANAGEMENT_PORT (" + management
					+ ") must differ from PORT: on one port actuator's metrics and health details answer to everyone");
		}
	}

}
