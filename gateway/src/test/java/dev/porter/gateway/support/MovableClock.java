package dev.porter.gateway.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock a test moves forward by hand: time-bound behaviour without waiting. Besides the
 * wall clock it keeps a monotonic one ({@link #nanoTime()}, for what measures how long
 * something took, as {@link System#nanoTime()} does): both go on with {@link #advance},
 * only the wall clock is set by {@link #moveTo}.
 */
public final class MovableClock extends Clock {

	private volatile Instant now;

	private final AtomicLong nanos = new AtomicLong();

	public MovableClock(Instant now) {
		this.now = now;
	}

	/** Time passes: the wall clock and the monotonic one move on by {@code duration}. */
	public void advance(Duration duration) {
		this.now = this.now.plus(duration);
		this.nanos.addAndGet(duration.toNanos());
	}

	/**
	 * Sets the wall clock to {@code now}, as NTP stepping it or an operator would, or to
	 * the real time at which a library that reads the system clock dated something the
	 * test then ages. No time passes: {@link #nanoTime()} stays where it is.
	 */
	public void moveTo(Instant now) {
		this.now = now;
	}

	/** The monotonic clock's reading: moved only by {@link #advance}. */
	public long nanoTime() {
		return this.nanos.get();
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

}
