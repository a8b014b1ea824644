package dev.porter.profile.testsupport;

import java.time.Instant;

/**
 * Auth0's {@code X-RateLimit-Reset}: the wall-clock second at which its bucket refills.
 * The service turns it into a wait on its own clock when the answer arrives, so the
 * {@code Retry-After} it derives depends on when that was: a test knows that moment only
 * as lying between two instants, and the wait as lying between what each of them gives.
 *
 * @param epochSecond the header's value, in UNIX seconds
 */
public record RateLimitReset(long epochSecond) {

	/** A reset {@code seconds} ahead of now on the wall clock, in whole seconds. */
	public static RateLimitReset in(long seconds) {
		return new RateLimitReset(Instant.now().getEpochSecond() + seconds);
	}

	public String header() {
		return Long.toString(this.epochSecond);
	}

	/**
	 * The {@code Retry-After} for this reset read at {@code at}: the wait until it,
	 * rounded up to whole seconds, which is the seconds counted from the start of the
	 * second {@code at} falls in.
	 */
	public long retryAfterAt(Instant at) {
		return this.epochSecond - at.getEpochSecond();
	}

}
