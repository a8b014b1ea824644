package dev.porter.gateway.support;

import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Gives a test's gateway a {@link VirtualTimeScheduler} for the waits it runs on a
 * scheduler it takes as a bean (a back-channel logout's wait for the next fetch of the
 * IdP's keys): they end only when the test moves that time on, so the test never sleeps
 * through one. The gateway's clock stays the system's.
 */
@TestConfiguration(proxyBeanMethods = false)
public class VirtualGatewayTimers {

	@Bean(destroyMethod = "dispose")
	VirtualTimeScheduler virtualGatewayTimers() {
		return VirtualTimeScheduler.create();
	}

}
