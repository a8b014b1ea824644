package dev.porter.common;

import java.time.Duration;
import java.time.Instant;

/**
 * Waits kept as the instant they end, set on a wall clock as "now plus the wait": a
 * failure that stands for a while, a check whose outcome is kept, a circuit open until a
 * probe. A wall clock that steps back (NTP, a VM restored, an operator) would stretch
 * such a wait by the whole step, ten minutes back making a five-second wait last ten
 * minutes more. An end further ahead of now than the wait itself cannot have been set on
 * this clock's present: that wait is over, as after its whole length.
 * {@link OncePerInterval} applies the same rule to its own due times.
 * {@link ThrottledFetches} detects a step the same way (its last start later than now, so
 * the interval's end further ahead than the interval), but then counts the last start as
 * now and waits a whole interval again: what it throttles is the source's load, not a
 * caller's wait.
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
