package dev.porter.e2e.agents;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The random values a client sends with {@code /authorize} (RFC 7636 PKCE, plus
 * {@code state} and {@code nonce}), for the agents that log in without the gateway.
 */
final class Pkce {

	private static final SecureRandom random = new SecureRandom();

	private Pkce() {
	}

	/** 256 random bits, base64url: a code verifier, a state or a nonce. */
	static String randomToken() {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** The S256 code challenge for {@code verifier}. */
	static String challenge(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
