package dev.porter.common;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts a repeated event and says when it is due to be reported: the first time, then at
 * most once per interval, with how many happened since the last report. An event any
 * client can cause (a refused token, a failing upstream under load) is then one log line
 * per interval instead of one per request, so no one can fill the log with it; the
 * metrics keep the per-request detail.
 * <p>
 * Events after the last report are reported with the next one that falls due.
 */
public final class OncePerInterval {

	private final Duration interval;

	private final LongSupplier nanoTime;

	private final AtomicLong nextReportAt = new AtomicLong(Long.MIN_VALUE);

	private final AtomicLong unreported = new AtomicLong();

	private OncePerInterval(Duration interval, LongSupplier nanoTime) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("interval must be positive");
		}
		this.interval = interval;
		this.nanoTime = nanoTime;
	}

	/**
	 * @param interval the least time between two reports; positive
	 * @param clock the time, injected so tests move it
	 * @return a counter that has reported nothing yet
	 */
	public static OncePerInterval of(Duration interval, Clock clock) {
		Objects.requireNonNull(interval, "interval cannot be null");
		Objects.requireNonNull(clock, "clock cannot be null");
		return new OncePerInterval(interval, () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
	}

	/**
	 * For a class timed by a monotonic ticker rather than a {@link Clock} (a Caffeine
	 * {@code Ticker}, {@link System#nanoTime}).
	 * @param interval the least time between two reports; positive
	 * @param nanoTime the ticker's reading in nanoseconds
	 * @return a counter that has reported nothing yet
	 */
	public static OncePerInterval ofNanoTime(Duration interval, LongSupplier nanoTime) {
		Objects.requireNonNull(interval, "interval cannot be null");
		Objects.requireNonNull(nanoTime, "nanoTime cannot be null");
		return new OncePerInterval(interval, nanoTime);
	}

	/**
	 * Counts one event.
	 * @return {@code 0} when no report is due; otherwise the events to report, this one
	 * included
	 */
	public long count() {
		this.unreported.incrementAndGet();
		long now = this.nanoTime.getAsLong();
		long due = this.nextReportAt.get();
		// one caller wins the report; the others' events wait for the next one. The first
		// event compares with no due time at all: a ticker's reading may be negative. A
		// due time more than an interval ahead means the clock stepped back (NTP, a VM
		// restored): due now, or nothing would be reported until the clock caught up.
		long interval = this.interval.toNanos();
		boolean notYet = due != Long.MIN_VALUE && now - due < 0 && due - now <= interval;
		if (notYet || !this.nextReportAt.compareAndSet(due, now + interval)) {
			return 0;
		}
		return this.unreported.getAndSet(0);
	}

	/**
	 * @return the least time between two reports
	 */
	public Duration interval() {
		return this.interval;
	}

}
