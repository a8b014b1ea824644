package dev.porter.devidp.faults;

import java.time.Instant;
import java.time.InstantSource;

/**
 * A token bucket, the algorithm Auth0 documents for its rate limits: it holds up to
 * {@code capacity} requests and refills continuously at {@code refillPerSecond}.
 */
final class TokenBucket {

	private final long capacity;

	private final double refillPerSecond;

	private final InstantSource clock;

	private double tokens;

	private Instant refilledAt;

	TokenBucket(long capacity, double refillPerSecond, InstantSource clock) {
		this.capacity = capacity;
		this.refillPerSecond = refillPerSecond;
		this.clock = clock;
		this.tokens = capacity;
		this.refilledAt = clock.instant();
	}

	/** Takes one request's token if there is one, and reports the bucket's state. */
	synchronized Decision tryConsume() {
		Instant now = this.clock.instant();
		double elapsed = Math.max(0, seconds(now) - seconds(this.refilledAt));
		this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerSecond);
		this.refilledAt = now;
		boolean allowed = this.tokens >= 1;
		if (allowed) {
			this.tokens -= 1;
		}
		// Seconds until the next whole token is added to the bucket (0 when it is full).
		double untilNextToken = (this.tokens >= this.capacity) ? 0
				: (1 - (this.tokens - Math.floor(this.tokens))) / this.refillPerSecond;
		// X-RateLimit-Reset is an absolute epoch second, always in the future.
		long reset = Math.max((long) Math.ceil(seconds(now) + untilNextToken), now.getEpochSecond() + 1);
		long retryAfter = Math.max(1, (long) Math.ceil(untilNextToken));
		return new Decision(allowed, this.capacity, (long) Math.floor(this.tokens), reset, retryAfter);
	}

	private static double seconds(Instant instant) {
		return instant.getEpochSecond() + instant.getNano() / 1e9;
	}

	/**
	 * @param allowed whether the request may proceed
	 * @param limit the bucket's capacity ({@code X-RateLimit-Limit})
	 * @param remaining whole tokens left ({@code X-RateLimit-Remaining})
	 * @param resetEpochSecond when the next token is added ({@code X-RateLimit-Reset})
	 * @param retryAfterSeconds how long a rejected caller should wait
	 * ({@code Retry-After})
	 */
	record Decision(boolean allowed, long limit, long remaining, long resetEpochSecond, long retryAfterSeconds) {
	}

}
