package dev.porter.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OncePerIntervalTests {

	private final MutableClock clock = new MutableClock();

	private final OncePerInterval events = OncePerInterval.of(Duration.ofSeconds(10), this.clock);

	@Test
	void countWhenFirstEventThenReportsIt() {
		assertThat(this.events.count()).isEqualTo(1);
	}

	@Test
	void countWhenRepeatedWithinTheIntervalThenNoReport() {
		this.events.count();
		for (int i = 0; i < 1000; i++) {
			assertThat(this.events.count()).isZero();
		}
	}

	@Test
	void countWhenIntervalPassedThenReportsEveryEventSinceTheLastReport() {
		this.events.count();
		for (int i = 0; i < 41; i++) {
			this.events.count();
		}
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.events.count()).isEqualTo(42);
		assertThat(this.events.count()).isZero();
	}

	@Test
	void countWhenTimedByATickerReadingBelowZeroThenFirstEventReportedAndIntervalKept() {
		long[] nanos = { -5_000_000_000L };
		OncePerInterval ticked = OncePerInterval.ofNanoTime(Duration.ofSeconds(10), () -> nanos[0]);
		assertThat(ticked.count()).isEqualTo(1);
		nanos[0] += Duration.ofSeconds(9).toNanos();
		assertThat(ticked.count()).isZero();
		nanos[0] += Duration.ofSeconds(1).toNanos();
		assertThat(ticked.count()).isEqualTo(2);
	}

	// The wall clock stepped back an hour (NTP, a VM restored): the events of that hour
	// went unreported, the reason a log line exists unseen.
	@Test
	void countWhenTheClockSteppedBackThenReportedAtOnceAndIntervalKeptFromThere() {
		this.events.count();
		this.events.count();
		this.clock.advance(Duration.ofHours(-1));

		assertThat(this.events.count()).isEqualTo(2);
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(this.events.count()).isZero();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.events.count()).isEqualTo(2);
	}

	@Test
	void ofWhenIntervalNotPositiveThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> OncePerInterval.of(Duration.ZERO, this.clock));
	}

	private static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration by) {
			this.now = this.now.plus(by);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
