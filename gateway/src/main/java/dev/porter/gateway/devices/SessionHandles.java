package dev.porter.gateway.devices;

import java.util.Arrays;
import java.util.Base64;

import dev.porter.gateway.session.SessionKey;

/**
 * The id a session is shown under: the first 128 bits of its {@link SessionKey} (the
 * SHA-256 of its session id), base64url. Stable for the session's life, enough to tell a
 * user's sessions apart, and useless as a cookie: the session id itself is the cookie
 * value and never leaves the server, and the gateway hashes any cookie it receives, so
 * neither a handle nor a whole key finds a session. A handle is half of a key, so it does
 * not even name a Redis key; and since session ids are random and long, neither can be
 * turned back into an id.
 */
final class SessionHandles {

	private static final int BYTES = 16;

	private SessionHandles() {
	}

	static String of(SessionKey key) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(key.digest(), BYTES));
	}

}
