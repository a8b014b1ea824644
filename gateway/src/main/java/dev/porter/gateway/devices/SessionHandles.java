package dev.porter.gateway.devices;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The id a session is shown under: the first 128 bits of the SHA-256 of its session id,
 * base64url. Stable for the session's life, and useless as a cookie — the session id
 * itself is the cookie value and never leaves the server. Session ids are random and
 * long, so the hash cannot be reversed by guessing.
 */
final class SessionHandles {

	private static final int BYTES = 16;

	private SessionHandles() {
	}

	static String of(String sessionId) {
		byte[] digest = sha256().digest(sessionId.getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, BYTES));
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java runtime has SHA-256", ex);
		}
	}

}
