package dev.porter.devidp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * dev-idp's clock in tests: the system's, shifted by an offset a test sets, so that a
 * test sees what dev-idp dates and checks on its clock without waiting. The servers' test
 * supports put it back after each test. Spring Authorization Server still reads the
 * system clock where it cannot be given one (whether a code or a refresh token has
 * expired, whether the token sent to {@code /userinfo} is still active), so a shift stays
 * within the lifetimes a test relies on.
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

	/** Puts a {@link ShiftableClock} in the context in place of dev-idp's own. */
	@TestConfiguration(proxyBeanMethods = false)
	public static class InContext {

		@Bean
		@Primary
		ShiftableClock shiftableClock() {
			return new ShiftableClock();
		}

	}

}
