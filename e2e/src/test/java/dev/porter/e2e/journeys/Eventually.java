package dev.porter.e2e.journeys;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waits, bounded, for what another process makes true: polls it, and fails the test once
 * {@code within} has passed without it. For what a service learns from Redis (a session
 * ended on another gateway reaches this one as Redis's invalidation, a moment after the
 * answer of the one that ended it), never to give a slow step time.
 */
final class Eventually {

	private Eventually() {
	}

	static void await(String what, Duration within, BooleanSupplier condition) {
		Instant deadline = Instant.now().plus(within);
		while (!condition.getAsBoolean()) {
			assertThat(Instant.now()).as("%s within %s", what, within).isBefore(deadline);
			try {
				Thread.sleep(20); // polling another process's state, bounded by the
									// deadline
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted while waiting for " + what, ex);
			}
		}
	}

}
