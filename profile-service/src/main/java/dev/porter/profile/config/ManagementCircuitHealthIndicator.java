package dev.porter.profile.config;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import dev.porter.profile.upstream.UpstreamPolicy;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The Management API circuit in the overall health on the management port, for operators
 * and alerts; not in readiness. An open circuit still leaves cached profiles served, a
 * tenant-wide outage opens every instance's circuit at once (all would be taken out of
 * service together), and a circuit leaves OPEN only when a call asks, which an instance
 * out of service never receives: it would stay out for good. Liveness is unaffected:
 * restarting would not help either.
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
