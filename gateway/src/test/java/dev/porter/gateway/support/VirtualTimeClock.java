package dev.porter.gateway.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A clock on a {@link VirtualTimeScheduler}'s time: code that reads the time from a
 * {@link Clock} and waits on that scheduler's timers sees one time, which the test moves
 * with {@link VirtualTimeScheduler#advanceTimeBy}.
 */
public final class VirtualTimeClock extends Clock {

	private final VirtualTimeScheduler time;

	private final Instant start;

	/** Reads {@code start} while the scheduler's time is zero. */
	public VirtualTimeClock(VirtualTimeScheduler time, Instant start) {
		this.time = time;
		this.start = start;
	}

	@Override
	public Instant instant() {
		return this.start.plusNanos(this.time.now(TimeUnit.NANOSECONDS));
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
