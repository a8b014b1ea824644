package dev.porter.gateway.login;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.porter.gateway.crypto.AesGcm;
import org.jspecify.annotations.Nullable;

/**
 * Seals the pending login into a cookie value the browser can carry but neither read nor
 * alter: AES-256-GCM with a random nonce, the cookie's name as associated data (a login
 * moved under another login's name does not open).
 * <p>
 * The key is derived from the OIDC client secret ({@link ClientSecretKeys}), which every
 * gateway instance of a deployment already shares: a login started on one instance
 * completes on any other behind the load balancer.
 */
final class LoginRequestCipher {

	private static final String LABEL = "porter login request cookie v1";

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private final AesGcm cipher;

	LoginRequestCipher(String sharedSecret) {
		this.cipher = new AesGcm(ClientSecretKeys.derive(sharedSecret, LABEL));
	}

	String seal(byte[] plaintext, String cookieName) {
		return ENCODER.encodeToString(this.cipher.seal(plaintext, cookieName.getBytes(StandardCharsets.US_ASCII)));
	}

	/**
	 * The plaintext, or {@code null} when the value was not sealed with this key under
	 * {@code cookieName}.
	 */
	byte @Nullable [] open(String value, String cookieName) {
		try {
			byte[] bytes = DECODER.decode(value);
			return this.cipher.open(bytes, 0, bytes.length, cookieName.getBytes(StandardCharsets.US_ASCII));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
