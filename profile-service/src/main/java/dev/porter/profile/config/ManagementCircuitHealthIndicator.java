package dev.porter.profile.config;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import dev.porter.profile.upstream.UpstreamPolicy;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Part of readiness: while the Management API circuit is open this instance cannot build
 * a profile for anyone not cached, so the load balancer should prefer another one.
 * Liveness is unaffected: restarting would not help.
 */
@Component("managementCircuit")
class ManagementCircuitHealthIndicator implements HealthIndicator {

	private final CircuitBreaker breaker;

	ManagementCircuitHealthIndicator(@Qualifier("management") UpstreamPolicy management) {
		this.breaker = management.circuitBreaker();
	}

	@Override
	public Health health() {
		CircuitBreaker.State state = this.breaker.getState();
		Health.Builder builder = (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN)
				? Health.outOfService() : Health.up();
		return builder.withDetail("circuit", state.name()).build();
	}

}
