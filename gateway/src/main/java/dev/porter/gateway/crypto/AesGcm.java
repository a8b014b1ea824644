package dev.porter.gateway.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * AES-256-GCM with a random 96-bit nonce per message: {@link #seal} gives
 * {@code nonce ‖ ciphertext ‖ tag}; {@link #open} gives the plaintext back only if
 * nothing was altered and the associated data is the same.
 */
public final class AesGcm {

	public static final int KEY_BYTES = 32;

	/** What sealing adds to the plaintext: the nonce and the tag. */
	public static final int OVERHEAD = 12 + 16;

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SecretKey key;

	public AesGcm(byte[] key) {
		Assert.isTrue(key.length == KEY_BYTES, "an AES-256 key has 32 bytes");
		this.key = new SecretKeySpec(key, "AES");
	}

	public byte[] seal(byte[] plaintext, byte[] associatedData) {
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData);
			byte[] sealed = cipher.doFinal(plaintext);
			return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is unavailable", ex);
		}
	}

	/**
	 * The plaintext of {@code sealed[offset, offset + length)}, or {@code null} when it
	 * was not sealed with this key and this associated data, or was altered.
	 */
	public byte @Nullable [] open(byte[] sealed, int offset, int length, byte[] associatedData) {
		if (length < OVERHEAD) {
			return null;
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, sealed, offset, NONCE_BYTES));
			cipher.updateAAD(associatedData);
			return cipher.doFinal(sealed, offset + NONCE_BYTES, length - NONCE_BYTES);
		}
		catch (GeneralSecurityException ex) {
			return null;
		}
	}

}
