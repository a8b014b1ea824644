package dev.porter.gateway.redis;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Readiness follows Redis: an instance that cannot reach the session store can serve no
 * signed-in user, so a load balancer should send traffic elsewhere. Liveness does not
 * (restarting the gateway brings Redis back no sooner). The failure is reported by type
 * only. Boot's own Redis indicator, which logs a stack trace on every probe, is excluded
 * with its auto-configuration.
 */
class RedisHealthIndicator implements ReactiveHealthIndicator {

	private final ReactiveRedisConnectionFactory connections;

	private final Duration timeout;

	RedisHealthIndicator(ReactiveRedisConnectionFactory connections, Duration timeout) {
		this.connections = connections;
		this.timeout = timeout;
	}

	@Override
	public Mono<Health> health() {
		return Mono
			.usingWhen(Mono.fromSupplier(this.connections::getReactiveConnection), ReactiveRedisConnection::ping,
					ReactiveRedisConnection::closeLater)
			.timeout(this.timeout)
			.map((pong) -> Health.up().build())
			.onErrorResume((ex) -> Mono.just(Health.down().withDetail("error", ex.getClass().getName()).build()));
	}

}
