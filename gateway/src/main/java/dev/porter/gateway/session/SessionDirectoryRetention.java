package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a {@link SessionDirectory} keeps an entry: a session unused for its idle
 * timeout has ended, and its last use is recorded at most one touch interval late, so an
 * entry not touched for both has surely ended; no session outlives its absolute lifetime.
 *
 * @param idleTimeout the sessions' idle timeout
 * @param absoluteLifetime the sessions' absolute lifetime
 * @param touchInterval how often at most a session's last use is written
 */
public record SessionDirectoryRetention(Duration idleTimeout, Duration absoluteLifetime, Duration touchInterval) {

	/** Last use is written at most this often per session and gateway. */
	public static final Duration DEFAULT_TOUCH_INTERVAL = Duration.ofMinutes(1);

	static SessionDirectoryRetention of(SessionProperties properties) {
		return new SessionDirectoryRetention(properties.idleTimeout(), properties.absoluteLifetime(),
				DEFAULT_TOUCH_INTERVAL);
	}

	/**
	 * Until when to keep an entry of a session created at {@code createdAt}, seen now.
	 */
	public Instant retainUntil(Instant createdAt, Instant now) {
		Instant idleEnd = now.plus(this.idleTimeout).plus(this.touchInterval);
		Instant absoluteEnd = createdAt.plus(this.absoluteLifetime);
		return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
	}

}
