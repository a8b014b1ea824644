package dev.porter.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock, the system's unless given another, shifted by an offset a test sets: for
 * gateways shared by many tests, whose time must keep running, when one test needs to be
 * a little later (a token past half its lifetime) without waiting, or for a wall clock
 * that steps back. {@link #reset()} puts it back.
 */
public final class ShiftableClock extends Clock {

	private final Clock base;

	private volatile Duration offset = Duration.ZERO;

	/** The system clock, shifted. */
	public ShiftableClock() {
		this(Clock.systemUTC());
	}

	/** {@code base}, shifted. */
	public ShiftableClock(Clock base) {
		this.base = base;
	}

	public void shift(Duration by) {
		this.offset = this.offset.plus(by);
	}

	public void reset() {
		this.offset = Duration.ZERO;
	}

	@Override
	public Instant instant() {
		return this.base.instant().plus(this.offset);
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
