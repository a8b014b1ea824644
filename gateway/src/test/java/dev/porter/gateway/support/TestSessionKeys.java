package dev.porter.gateway.support;

import java.security.SecureRandom;
import java.util.Base64;

/** Random {@code SESSION_ENCRYPTION_KEYS} values for gateways started with Redis. */
public final class TestSessionKeys {

	/**
	 * One key per test JVM, so every Redis-backed instance reads the others' sessions.
	 */
	public static final String SHARED = newKey();

	private TestSessionKeys() {
	}

	/** A new random AES-256 key, base64. */
	public static String newKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

}
