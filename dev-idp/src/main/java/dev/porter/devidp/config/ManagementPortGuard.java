package dev.porter.devidp.config;

import java.util.Objects;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Stops start-up when {@code MANAGEMENT_PORT} names the main port ({@code PORT}): Spring
 * Boot would then serve actuator (metrics, health details) on that port to everyone,
 * which is what the separate management port exists to prevent. Port 0 (a random port, as
 * tests use) is never the same port.
 */
@Configuration(proxyBeanMethods = false)
class ManagementPortGuard {

	ManagementPortGuard(Environment environment) {
		String server = environment.getProperty("server.port", "8080");
		String management = environment.getProperty("management.server.port");
		if (Objects.equals(server, management) && !"0".equals(server)) {
			throw new IllegalStateException("MANAGEMENT_PORT (" + management
					+ ") must differ from PORT: on one port actuator's metrics and health details answer to everyone");
		}
	}

}
