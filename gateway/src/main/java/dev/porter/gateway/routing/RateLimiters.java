package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The fixed-window limiters, for other features' budgets (e.g. the per-address login
 * budget): the same windows and Redis keys ({@code porter:rate:<key>:<window>}, expiring
 * with the window) as the relay's per-user limit.
 */
public final class RateLimiters {

	private RateLimiters() {
	}

	/** One process's budget; idle keys expire and at most 100 000 are kept. */
	public static UserRateLimiter inMemory(int limit, Duration period, Clock clock) {
		return new InMemoryRateLimiter(limit, period, clock);
	}

	/** A budget shared by every instance through Redis. */
	public static UserRateLimiter redis(ReactiveStringRedisTemplate redis, int limit, Duration period, Clock clock) {
		return new RedisRateLimiter(redis, limit, period, clock);
	}

}
