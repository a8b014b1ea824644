package dev.porter.gateway.session;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One signed-in session as the {@link SessionDirectory} knows it: by its key, not its id,
 * which is the cookie value.
 *
 * @param key the session's key in the store
 * @param sid the IdP session of its login, when the ID token had one
 * @param sub the user
 * @param createdAt when it signed in
 * @param lastSeenAt when it was last used, at most a touch interval late
 * @param userAgent the browser's {@code User-Agent} at login, cut to
 * {@link #MAX_USER_AGENT} characters
 */
public record DirectoryEntry(SessionKey key, @Nullable String sid, String sub, Instant createdAt, Instant lastSeenAt,
		@Nullable String userAgent) {

	/** Longer user agents are cut: the header is the browser's to choose. */
	public static final int MAX_USER_AGENT = 256;

	public DirectoryEntry {
		if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
			userAgent = userAgent.substring(0, MAX_USER_AGENT);
		}
	}

}
