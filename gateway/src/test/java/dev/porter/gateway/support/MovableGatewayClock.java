package dev.porter.gateway.support;

import java.time.Instant;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Gives a test's gateway a {@link MovableClock}: it stands still unless the test moves
 * it. The test IdP dates its ID tokens on the system clock, so a test moves it to
 * {@link Instant#now()} first; the gateway dates access tokens, and checks ID tokens, on
 * this clock.
 */
@TestConfiguration(proxyBeanMethods = false)
public class MovableGatewayClock {

	@Bean
	MovableClock movableClock() {
		return new MovableClock(Instant.now());
	}

}
