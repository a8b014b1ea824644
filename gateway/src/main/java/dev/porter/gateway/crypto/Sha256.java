package dev.porter.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 digests: of session ids (the session keys), of login states (their cookies'
 * names), of encryption keys (their ids).
 */
public final class Sha256 {

	/** Never used itself, only cloned ({@link #digest()}). */
	private static final MessageDigest PROTOTYPE = lookUp();

	private Sha256() {
	}

	public static byte[] of(byte[] input) {
		return digest().digest(input);
	}

	/** The digest of {@code text}'s UTF-8 bytes. */
	public static byte[] of(String text) {
		return of(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A fresh digest, cloned from one looked up once: every request derives a session
	 * key, and looking the algorithm up among the security providers each time cost more
	 * than the hashing.
	 */
	private static MessageDigest digest() {
		try {
			return (MessageDigest) PROTOTYPE.clone();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("the JDK's SHA-256 can be cloned", ex);
		}
	}

	private static MessageDigest lookUp() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java runtime has SHA-256", ex);
		}
	}

}
