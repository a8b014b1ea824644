package dev.porter.profile.problem;

import java.time.Duration;

/**
 * {@code Retry-After} as delta-seconds, rounded up so that a client never comes back
 * early.
 */
final class RetryAfter {

	private RetryAfter() {
	}

	static Duration atLeastOneSecond(Duration wait) {
		return (wait.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : wait;
	}

	static String seconds(Duration wait) {
		long seconds = wait.getSeconds() + ((wait.getNano() > 0) ? 1 : 0);
		return Long.toString(Math.max(1, seconds));
	}

}
