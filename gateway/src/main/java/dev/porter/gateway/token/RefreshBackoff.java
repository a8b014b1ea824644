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
 * ({@link RefreshFailurePolicy#backingOff}: what is left of the wait)
 * @param lastDenied whether the last of them was an {@code access_denied}
 * ({@link RefreshFailurePolicy}: a second one in a row ends the session)
 */
record RefreshBackoff(int failures, Instant notBefore, boolean lastDenied) {

	static final RefreshBackoff NONE = new RefreshBackoff(0, Instant.EPOCH);

	RefreshBackoff(int failures, Instant notBefore) {
		this(failures, notBefore, false);
	}

	/** The backoff after one more failure at {@code now}, not a denial. */
	RefreshBackoff afterFailure(Instant now, Duration base, Duration max) {
		return afterFailure(now, base, max, false);
	}

	/**
	 * The backoff after one more failure at {@code now}, {@code denied} when it was an
	 * {@code access_denied}.
	 */
	RefreshBackoff afterFailure(Instant now, Duration base, Duration max, boolean denied) {
		int failed = this.failures + 1;
		// 2^(failed-1) times the base, without overflowing on a long outage
		Duration interval = base;
		for (int i = 1; i < failed && interval.compareTo(max) < 0; i++) {
			interval = interval.multipliedBy(2);
		}
		return new RefreshBackoff(failed, now.plus((interval.compareTo(max) > 0) ? max : interval), denied);
	}

}
