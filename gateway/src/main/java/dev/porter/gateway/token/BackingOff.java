package dev.porter.gateway.token;

import java.time.Duration;

/**
 * The session is backing off after failed refreshes, so no attempt reached the IdP;
 * {@link #remaining()} is what is left of the wait.
 */
final class BackingOff extends RuntimeException {

	private final transient Duration remaining;

	BackingOff(Duration remaining) {
		super("refresh backing off", null, false, false);
		this.remaining = remaining;
	}

	Duration remaining() {
		return this.remaining;
	}

}
