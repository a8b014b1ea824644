package dev.porter.gateway.login;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Seals the pending login into a cookie value the browser can carry but neither read nor
 * alter: AES-256-GCM with a random nonce, the cookie name as associated data.
 * <p>
 * The key is derived (HMAC-SHA256 with a fixed label) from the OIDC client secret, which
 * every gateway instance of a deployment already shares: a login started on one instance
 * completes on any other behind the load balancer, with no extra secret to distribute,
 * and a leak of the cookie key does not reveal the client secret.
 */
final class LoginRequestCipher {

	private static final String LABEL = "porter login request cookie v1";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private final SecretKey key;

	private final byte[] associatedData;

	private final SecureRandom random = new SecureRandom();

	LoginRequestCipher(String sharedSecret, String cookieName) {
		this.key = new SecretKeySpec(derive(sharedSecret), "AES");
		this.associatedData = cookieName.getBytes(StandardCharsets.US_ASCII);
	}

	String seal(byte[] plaintext) {
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(this.associatedData);
			byte[] sealed = cipher.doFinal(plaintext);
			return ENCODER
				.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is unavailable", ex);
		}
	}

	/** The plaintext, or {@code null} when the value was not sealed with this key. */
	byte @Nullable [] open(String value) {
		try {
			byte[] bytes = DECODER.decode(value);
			if (bytes.length <= NONCE_BYTES) {
				return null;
			}
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
			cipher.updateAAD(this.associatedData);
			return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			return null;
		}
	}

	private static byte[] derive(String secret) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return mac.doFinal(LABEL.getBytes(StandardCharsets.US_ASCII));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is unavailable", ex);
		}
	}

}
