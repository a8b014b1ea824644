package dev.porter.profile.me;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import dev.porter.profile.problem.CallerRateLimitedException;

import org.springframework.stereotype.Component;

/**
 * A request budget per caller ({@code sub}): one user's loop cannot take this instance's
 * time from everyone. Most requests are cache hits; what they may cost the upstreams
 * everyone shares is bounded by {@link CallerUpstreamShare}. Idle callers' limiters are
 * forgotten.
 */
@Component
class CallerRateLimiter {

	private final RateLimiterConfig config;

	private final Cache<String, RateLimiter> limiters = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterAccess(Duration.ofMinutes(10))
		.build();

	CallerRateLimiter(ApiProperties properties) {
		this.config = RateLimiterConfig.custom()
			.limitForPeriod(properties.callerLimitForPeriod())
			.limitRefreshPeriod(properties.callerLimitPeriod())
			.timeoutDuration(Duration.ZERO)
			.build();
	}

	/**
	 * Spends one request of {@code sub}'s budget or throws a 429 naming when to retry.
	 */
	void acquire(String sub) {
		RateLimiter limiter = this.limiters.get(sub, (key) -> RateLimiter.of("caller", this.config));
		if (!limiter.acquirePermission()) {
			throw new CallerRateLimitedException(this.config.getLimitRefreshPeriod());
		}
	}

}
