package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.gateway.cache.Caches;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The per-user budget shared by all gateway instances: one Redis counter per user and
 * window, expiring with the window.
 * <p>
 * An instance takes the budget from Redis in shares rather than a request at a time: one
 * {@code INCRBY} reserves {@link #shareOf(int) a twentieth of the limit} (at most
 * {@value #MAX_SHARE}) for this instance, and the requests that follow spend it here
 * without a round trip. The counter therefore never grants more than the limit across all
 * instances; what one instance reserved and did not spend before the window ended is lost
 * to the others, so a user spread over {@code n} instances may be held to up to
 * {@code n - 1} shares below the limit (with one instance, the limit exactly). Once the
 * counter has no budget left for the window, this instance turns the user's requests away
 * until the window ends without asking Redis again: a flood costs Redis nothing. With a
 * limit below twenty, every request asks Redis, as one share is one request.
 */
class RedisRateLimiter implements UserRateLimiter {

	static final int MAX_SHARE = 100;

	private final ReactiveStringRedisTemplate redis;

	private final int limit;

	private final int share;

	private final Duration period;

	private final Clock clock;

	/** This instance's unspent share per user, for the current window. */
	private final Cache<String, Share> shares;

	RedisRateLimiter(ReactiveStringRedisTemplate redis, int limit, Duration period, Clock clock) {
		this.redis = redis;
		this.limit = limit;
		this.share = shareOf(limit);
		this.period = period;
		this.clock = clock;
		this.shares = Caches.newBuilder().expireAfterAccess(period.multipliedBy(2)).maximumSize(100_000).build();
	}

	/**
	 * What one round trip reserves: a twentieth of the limit, at least 1, at most 100.
	 */
	static int shareOf(int limit) {
		return Math.max(1, Math.min(limit / 20, MAX_SHARE));
	}

	@Override
	public Mono<Decision> consume(String user) {
		long now = this.clock.millis();
		long windowStart = now - (now % this.period.toMillis());
		Share held = this.shares.getIfPresent(user);
		if (held != null && held.window() == windowStart) {
			if (held.exhausted()) {
				return Mono.just(rejected(windowStart, now));
			}
			if (held.take()) {
				return Mono.just(Decision.allow());
			}
		}
		return reserve(user, windowStart)
			.map((granted) -> (granted > 0) ? Decision.allow() : rejected(windowStart, now));
	}

	/**
	 * Reserves a share in Redis; keeps what is left of it after this request, or that
	 * nothing is left for the window. Emits how many requests were granted.
	 */
	private Mono<Long> reserve(String user, long windowStart) {
		String key = "porter:rate:" + user + ":" + windowStart;
		return this.redis.opsForValue()
			.increment(key, this.share)
			.flatMap((count) -> ((count == this.share) ? this.redis.expire(key, this.period) : Mono.just(true))
				.thenReturn(count))
			.map((count) -> {
				long granted = Math.max(0, Math.min(this.share, this.limit - (count - this.share)));
				this.shares.asMap()
					.compute(user, (name, current) -> Share.after(current, windowStart, granted, count >= this.limit));
				return granted;
			});
	}

	private Decision rejected(long windowStart, long now) {
		return new Decision(false, Duration.ofMillis(windowStart + this.period.toMillis() - now));
	}

	/**
	 * The requests of a window this instance may still admit without asking Redis, and
	 * whether Redis has nothing more to give for that window.
	 */
	private record Share(long window, AtomicInteger left, boolean lastOne) {

		/** Spends one request of the share; false when none is left. */
		boolean take() {
			int current;
			do {
				current = this.left.get();
				if (current <= 0) {
					return false;
				}
			}
			while (!this.left.compareAndSet(current, current - 1));
			return true;
		}

		/** Nothing left here, and Redis has nothing more for the window. */
		boolean exhausted() {
			return this.lastOne && this.left.get() <= 0;
		}

		/**
		 * After a reservation granted {@code granted} requests (one of them to the
		 * request that asked): what is left here, added to what concurrent reservations
		 * of the same window left.
		 */
		static Share after(@Nullable Share current, long window, long granted, boolean lastOne) {
			int spare = (int) Math.max(0, granted - 1);
			if (current != null && current.window() == window) {
				current.left().addAndGet(spare);
				return new Share(window, current.left(), current.lastOne() || lastOne);
			}
			return new Share(window, new AtomicInteger(spare), lastOne);
		}

	}

}
