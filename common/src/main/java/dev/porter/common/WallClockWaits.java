package dev.porter.common;

import java.time.Duration;
import java.time.Instant;

/**
 * Waits kept as the instant they end, set on a wall clock as "now plus the wait": a
 * failure that stands for a while, a check whose outcome is kept, a circuit open until a
 * probe. A wall clock that steps back (NTP, a VM restored, an operator) would stretch
 * such a wait by the whole step, ten minutes back making a five-second wait last ten
 * minutes more. An end further ahead of now than the wait itself cannot have been set on
 * this clock's present: that wait is over, as after its whole length. The rule
 * {@link ThrottledFetches} and {@link OncePerInterval} apply to their own instants.
 */
public final class WallClockWaits {

	private WallClockWaits() {
	}

	/**
	 * What is left of a wait.
	 * @param now the wall clock's reading
	 * @param end when the wait ends, set on that clock as its start plus {@code length}
	 * @param length how long the wait lasts
	 * @return the time until {@code end}; zero once it has passed, and when {@code end}
	 * lies further ahead than {@code length} (the clock stepped back since)
	 */
	public static Duration left(Instant now, Instant end, Duration length) {
		Duration left = Duration.between(now, end);
		return (left.isNegative() || left.compareTo(length) > 0) ? Duration.ZERO : left;
	}

}
