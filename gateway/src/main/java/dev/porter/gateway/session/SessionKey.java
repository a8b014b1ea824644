package dev.porter.gateway.session;

import java.util.Base64;

import dev.porter.gateway.crypto.Sha256;
import org.jspecify.annotations.Nullable;

/**
 * What Redis knows a session by, instead of its id: the SHA-256 of the id, base64url
 * without padding. The id is the session cookie's value, so it is the session's bearer
 * credential; whoever reads Redis (a backup, a replica, {@code SCAN}, {@code MONITOR})
 * sees key names and registry entries, and a key gives them no cookie to present: the
 * gateway hashes whatever cookie it receives, so sending a key finds nothing either.
 * <p>
 * A plain hash is enough, without a salt or a secret: session ids are 122 random bits (a
 * version 4 UUID from a strong source), far too many to guess one whose hash matches, and
 * an unkeyed hash lets every instance derive the same key with nothing more to share.
 * Every store addresses sessions by this key (the session value, the refresh lock, the
 * back-channel registry, the sessions directory), in memory too, so that code which finds
 * a session through a registry never holds its id.
 *
 * @param value the base64url digest, 43 characters
 */
public record SessionKey(String value) {

	/** A SHA-256 digest's length in base64url without padding. */
	private static final int LENGTH = 43;

	public SessionKey {
		// A session id is never a key: keeps an id from being stored by mistake.
		if (!isDigest(value)) {
			throw new IllegalArgumentException("not a session key");
		}
	}

	/** The key of the session with this id. */
	public static SessionKey of(String sessionId) {
		return new SessionKey(Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.of(sessionId)));
	}

	/**
	 * The key stored as {@code value}, or {@code null} when it is none: a session id an
	 * earlier version stored, whose session this version does not find anyway.
	 */
	public static @Nullable SessionKey parse(String value) {
		return isDigest(value) ? new SessionKey(value) : null;
	}

	/**
	 * Whether {@code value} is 43 characters of the base64url alphabet. A loop, not a
	 * regular expression: a key is made on every request in Redis mode, and a regular
	 * expression allocates a matcher each time.
	 */
	private static boolean isDigest(String value) {
		if (value.length() != LENGTH) {
			return false;
		}
		for (int i = 0; i < LENGTH; i++) {
			char c = value.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				return false;
			}
		}
		return true;
	}

	/** The digest's bytes. */
	public byte[] digest() {
		return Base64.getUrlDecoder().decode(this.value);
	}

}
