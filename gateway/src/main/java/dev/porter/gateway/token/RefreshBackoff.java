package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a session waits before its next refresh attempt after failed ones: the first
 * failure waits {@code base}, each further one twice as long, up to {@code max}. Kept in
 * the session (with Redis shared by every instance), so the bound holds per session
 * however many instances serve it; a successful refresh clears it.
 *
 * @param failures refreshes failed in a row
 * @param notBefore when the next attempt may reach the IdP
 */
record RefreshBackoff(int failures, Instant notBefore) {

	static final RefreshBackoff NONE = new RefreshBackoff(0, Instant.EPOCH);

	/** What is left of the wait at {@code now}; zero once it is over. */
	Duration remaining(Instant now) {
		return now.isBefore(this.notBefore) ? Duration.between(now, this.notBefore) : Duration.ZERO;
	}

	/** The backoff after one more failure at {@code now}. */
	RefreshBackoff afterFailure(Instant now, Duration base, Duration max) {
		int failed = this.failures + 1;
		// 2^(failed-1) times the base, without overflowing on a long outage
		Duration interval = base;
		for (int i = 1; i < failed && interval.compareTo(max) < 0; i++) {
			interval = interval.multipliedBy(2);
		}
		return new RefreshBackoff(failed, now.plus((interval.compareTo(max) > 0) ? max : interval));
	}

}
