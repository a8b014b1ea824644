package dev.porter.gateway.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM keys, newest first ({@code SESSION_ENCRYPTION_KEYS}): {@link #seal} uses
 * the newest and prefixes the result with that key's id (4 bytes of its SHA-256);
 * {@link #open} uses whichever key the prefix names. Rotating is putting a new key in
 * front: what the old key sealed stays readable as long as it stays in the ring.
 */
public final class KeyRing {

	private static final int ID_BYTES = 4;

	/** What sealing adds to the plaintext: the key id, the nonce and the tag. */
	public static final int OVERHEAD = ID_BYTES + AesGcm.OVERHEAD;

	private final Map<Integer, AesGcm> keys;

	private final int newestId;

	private KeyRing(List<byte[]> keys) {
		Map<Integer, AesGcm> byId = new LinkedHashMap<>();
		for (byte[] key : keys) {
			if (byId.put(id(key), new AesGcm(key)) != null) {
				throw new IllegalArgumentException("the same key is listed twice");
			}
		}
		this.keys = byId;
		this.newestId = id(keys.get(0));
	}

	/**
	 * The ring from comma-separated base64 keys of 32 bytes each, newest first.
	 * @throws IllegalArgumentException naming {@code variable} and the position of a key
	 * that is not base64 or not 32 bytes, never quoting a key
	 */
	public static KeyRing parse(String keys, String variable) {
		List<byte[]> parsed = new ArrayList<>();
		String[] parts = keys.split(",", -1);
		for (int i = 0; i < parts.length; i++) {
			parsed.add(decode(parts[i].strip(), variable, i + 1));
		}
		if (parsed.isEmpty()) {
			throw new IllegalArgumentException("set " + variable);
		}
		try {
			return new KeyRing(parsed);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(variable + ": " + ex.getMessage());
		}
	}

	/** One random key, for data that dies with the process. */
	public static KeyRing random() {
		byte[] key = new byte[AesGcm.KEY_BYTES];
		new SecureRandom().nextBytes(key);
		return new KeyRing(List.of(key));
	}

	public byte[] seal(byte[] plaintext, byte[] associatedData) {
		byte[] sealed = this.keys.get(this.newestId).seal(plaintext, associatedData);
		return ByteBuffer.allocate(ID_BYTES + sealed.length).putInt(this.newestId).put(sealed).array();
	}

	/**
	 * The plaintext, or {@code null} when the key it names is not in the ring, or it does
	 * not authenticate (altered, or sealed with other associated data).
	 */
	public byte @Nullable [] open(byte[] sealed, byte[] associatedData) {
		if (sealed.length < OVERHEAD) {
			return null;
		}
		AesGcm key = this.keys.get(ByteBuffer.wrap(sealed).getInt());
		return (key != null) ? key.open(sealed, ID_BYTES, sealed.length - ID_BYTES, associatedData) : null;
	}

	/**
	 * Whether {@code sealed} names a key of this ring (it may still not authenticate).
	 */
	public boolean knowsKeyOf(byte[] sealed) {
		return sealed.length >= ID_BYTES && this.keys.containsKey(ByteBuffer.wrap(sealed).getInt());
	}

	private static byte[] decode(String key, String variable, int position) {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(key);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(variable + ": key " + position + " is not base64");
		}
		if (bytes.length != AesGcm.KEY_BYTES) {
			throw new IllegalArgumentException(variable + ": key " + position + " has " + bytes.length
					+ " bytes, not 32 (generate one with: openssl rand -base64 32)");
		}
		return bytes;
	}

	/** The first {@link #ID_BYTES} bytes of the key's SHA-256. */
	private static int id(byte[] key) {
		return ByteBuffer.wrap(Sha256.of(key), 0, ID_BYTES).getInt();
	}

}
