package dev.porter.gateway.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waits, bounded, for a condition that another thread makes true (a message Redis pushes,
 * a connection Lettuce reopens): polls it, and fails the test once {@code within} has
 * passed without it.
 */
public final class Eventually {

	private Eventually() {
	}

	public static void await(String what, Duration within, BooleanSupplier condition) {
		Instant deadline = Instant.now().plus(within);
		while (!condition.getAsBoolean()) {
			assertThat(Instant.now()).as("%s within %s", what, within).isBefore(deadline);
			try {
				Thread.sleep(10); // polling a state another thread updates, bounded
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted while waiting for " + what, ex);
			}
		}
	}

}
