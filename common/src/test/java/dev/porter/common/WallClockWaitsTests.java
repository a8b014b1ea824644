package dev.porter.common;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WallClockWaitsTests {

	private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

	private static final Duration WAIT = Duration.ofSeconds(5);

	@Test
	void leftWhenTheWaitIsUnderWayThenWhatIsLeftOfIt() {
		assertThat(WallClockWaits.left(NOW, NOW.plus(WAIT), WAIT)).isEqualTo(WAIT);
		assertThat(WallClockWaits.left(NOW, NOW.plusMillis(1), WAIT)).isEqualTo(Duration.ofMillis(1));
	}

	@Test
	void leftWhenTheWaitEndedThenNone() {
		assertThat(WallClockWaits.left(NOW, NOW, WAIT)).isZero();
		assertThat(WallClockWaits.left(NOW, NOW.minusMillis(1), WAIT)).isZero();
	}

	// Set at 12:10 as 12:10:05, read at 12:00:00 after NTP or a restored VM stepped the
	// clock back ten minutes: waiting until then would wait ten minutes and five seconds.
	@Test
	void leftWhenTheEndLiesFurtherAheadThanTheWaitItselfThenNone() {
		assertThat(WallClockWaits.left(NOW, NOW.plus(WAIT).plusMillis(1), WAIT)).isZero();
		assertThat(WallClockWaits.left(NOW, NOW.plus(Duration.ofMinutes(10)).plus(WAIT), WAIT)).isZero();
	}

}
