package dev.porter.profile.config;

import java.time.Duration;

import reactor.core.publisher.Mono;

import dev.porter.profile.redis.RedisConnections;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Redis in the overall health, on the management port: {@code DOWN} with the failure's
 * type while a {@code PING} fails or takes longer than {@code REDIS_TIMEOUT}. It replaces
 * Boot's indicator, which logs a warning with a full stack trace on every probe while
 * Redis is down (the gateway's does the same for that reason); the bus logs the outage
 * once. Not part of readiness: Redis only shortens staleness here.
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
			.usingWhen(RedisConnections.open(this.connections), ReactiveRedisConnection::ping,
					ReactiveRedisConnection::closeLater)
			.timeout(this.timeout)
			.thenReturn(Health.up().build())
			.onErrorResume((ex) -> Mono.just(Health.down().withDetail("error", ex.getClass().getName()).build()));
	}

}
