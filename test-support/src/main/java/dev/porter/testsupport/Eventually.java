package dev.porter.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Waits, bounded, for a condition that another thread or process makes true (a message
 * Redis pushes, a connection Lettuce reopens, a session ended on another gateway): polls
 * it, and fails the test once {@code within} has passed without it. Never to give a slow
 * step time.
 */
public final class Eventually {

	private Eventually() {
	}

	public static void await(String what, Duration within, BooleanSupplier condition) {
		Instant deadline = Instant.now().plus(within);
		while (!condition.getAsBoolean()) {
			if (!Instant.now().isBefore(deadline)) {
				throw new AssertionError(what + " within " + within);
			}
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
