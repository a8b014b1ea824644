package dev.porter.gateway.login;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.porter.gateway.crypto.AesGcm;
import org.jspecify.annotations.Nullable;

/**
 * Seals the pending login into a cookie value the browser can carry but neither read nor
 * alter: AES-256-GCM with a random nonce, the cookie name as associated data.
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

	private final byte[] associatedData;

	LoginRequestCipher(String sharedSecret, String cookieName) {
		this.cipher = new AesGcm(ClientSecretKeys.derive(sharedSecret, LABEL));
		this.associatedData = cookieName.getBytes(StandardCharsets.US_ASCII);
	}

	String seal(byte[] plaintext) {
		return ENCODER.encodeToString(this.cipher.seal(plaintext, this.associatedData));
	}

	/** The plaintext, or {@code null} when the value was not sealed with this key. */
	byte @Nullable [] open(String value) {
		try {
			byte[] bytes = DECODER.decode(value);
			return this.cipher.open(bytes, 0, bytes.length, this.associatedData);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
