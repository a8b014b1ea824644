package dev.porter.common;

import java.time.Duration;

/**
 * A wait written as {@code Retry-After} delta-seconds (RFC 9110 §10.2.3).
 * <p>
 * The header has whole seconds only. A wait is rounded up, so a client that obeys it
 * never comes back before the breaker, bucket or backoff behind it has moved on, and a
 * sub-second wait becomes {@code 1} rather than {@code 0} (which would invite an
 * immediate retry).
 */
public final class RetryAfter {

	private RetryAfter() {
	}

	/**
	 * The wait in whole seconds, rounded up, at least one.
	 * @param wait how long the client should wait; negative counts as none
	 * @return the value for the {@code Retry-After} header and for a problem's
	 * {@code retry_after} member
	 */
	public static long seconds(Duration wait) {
		long seconds = wait.getSeconds() + ((wait.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	/**
	 * {@link #seconds(Duration)} as the header's text.
	 * @param wait how long the client should wait
	 * @return delta-seconds, for example {@code "2"} for 1.2 s
	 */
	public static String header(Duration wait) {
		return Long.toString(seconds(wait));
	}

}
