package dev.porter.gateway.redis;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

/**
 * Readiness follows Redis: an instance that cannot reach the session store can serve no
 * signed-in user, so a load balancer should send traffic elsewhere. Liveness does not
 * (restarting the gateway brings Redis back no sooner). The failure is reported by type
 * only. Boot's own Redis indicator, which logs a stack trace on every probe, is excluded
 * with its auto-configuration.
 * <p>
 * Every event loop's connection must answer, not only the one the probe landed on: after
 * an outage each reconnects on its own schedule, and an instance that says it is ready
 * while one loop's connection is still down answers that loop's requests with a 503.
 */
class RedisHealthIndicator implements ReactiveHealthIndicator {

	private final EventLoopLettuceConnectionFactory connections;

	private final Duration timeout;

	RedisHealthIndicator(EventLoopLettuceConnectionFactory connections, Duration timeout) {
		this.connections = connections;
		this.timeout = timeout;
	}

	@Override
	public Mono<Health> health() {
		return this.connections.pingEachConnection()
			.timeout(this.timeout)
			.thenReturn(Health.up().build())
			.onErrorResume((ex) -> Mono.just(Health.down().withDetail("error", ex.getClass().getName()).build()));
	}

}
