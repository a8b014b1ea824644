package dev.porter.gateway.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock, shifted by an offset a test sets: for gateways shared by many tests,
 * whose time must keep running, when one test needs to be a little later (a token past
 * half its lifetime) without waiting. {@link #reset()} puts it back.
 */
public final class ShiftableClock extends Clock {

	private volatile Duration offset = Duration.ZERO;

	public void shift(Duration by) {
		this.offset = this.offset.plus(by);
	}

	public void reset() {
		this.offset = Duration.ZERO;
	}

	@Override
	public Instant instant() {
		return Instant.now().plus(this.offset);
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
