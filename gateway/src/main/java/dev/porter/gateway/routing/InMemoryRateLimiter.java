package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.gateway.cache.Caches;
import reactor.core.publisher.Mono;

/**
 * One process's per-user budget. Windows of idle users expire, so the memory it takes
 * grows with the active users only.
 */
class InMemoryRateLimiter implements UserRateLimiter {

	private final Cache<String, Window> windows;

	private final int limit;

	private final Duration period;

	private final Clock clock;

	InMemoryRateLimiter(int limit, Duration period, Clock clock) {
		this.limit = limit;
		this.period = period;
		this.clock = clock;
		this.windows = Caches.newBuilder().expireAfterAccess(period.multipliedBy(2)).maximumSize(100_000).build();
	}

	@Override
	public Mono<Decision> consume(String user) {
		return Mono.fromSupplier(() -> decide(user));
	}

	private Decision decide(String user) {
		long now = this.clock.millis();
		long windowStart = now - (now % this.period.toMillis());
		Window window = this.windows.asMap()
			.compute(user, (key, current) -> (current == null || current.start() != windowStart)
					? new Window(windowStart, 1) : new Window(windowStart, current.count() + 1));
		if (window.count() <= this.limit) {
			return Decision.allow();
		}
		return new Decision(false, Duration.ofMillis(windowStart + this.period.toMillis() - now));
	}

	private record Window(long start, int count) {
	}

}
