package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The per-user budget shared by all gateway instances: one Redis counter per user and
 * window ({@code INCR}, expiring with the window).
 */
class RedisRateLimiter implements UserRateLimiter {

	private final ReactiveStringRedisTemplate redis;

	private final int limit;

	private final Duration period;

	private final Clock clock;

	RedisRateLimiter(ReactiveStringRedisTemplate redis, int limit, Duration period, Clock clock) {
		this.redis = redis;
		this.limit = limit;
		this.period = period;
		this.clock = clock;
	}

	@Override
	public Mono<Decision> consume(String user) {
		long now = this.clock.millis();
		long windowStart = now - (now % this.period.toMillis());
		String key = "porter:rate:" + user + ":" + windowStart;
		return this.redis.opsForValue()
			.increment(key)
			.flatMap(
					(count) -> ((count == 1) ? this.redis.expire(key, this.period) : Mono.just(true)).thenReturn(count))
			.map((count) -> (count <= this.limit) ? Decision.allow()
					: new Decision(false, Duration.ofMillis(windowStart + this.period.toMillis() - now)));
	}

}
