package dev.porter.devidp.config;

import dev.porter.common.ManagementPorts;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Stops start-up when {@code MANAGEMENT_PORT} would put actuator (metrics, health
 * details) on the main port ({@code PORT}), or {@code MANAGEMENT_PORT} or
 * {@code MANAGEMENT_ADDRESS} is set empty. Only the wiring: the rule is
 * {@link ManagementPorts}, written once for every service, and this hands it the
 * properties as this service's environment holds them.
 */
@Configuration(proxyBeanMethods = false)
class ManagementPortGuard {

	ManagementPortGuard(Environment environment) {
		ManagementPorts.check(environment.getProperty("server.port"), environment.getProperty("management.server.port"),
				environment.getProperty("management.server.address"));
	}

}
