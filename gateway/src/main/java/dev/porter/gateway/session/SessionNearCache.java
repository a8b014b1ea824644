package dev.porter.gateway.session;

import java.time.Duration;
import java.util.Arrays;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * Opens a stored session value only when it is not the value this instance opened last
 * for that session. Every request still reads the value from Redis, so a session ended or
 * changed on any instance is seen by the next request exactly as without this: only the
 * work of opening the same bytes again (AES-GCM and JSON: 14 to 17 % of a Redis-mode
 * gateway's CPU samples under {@code bench/relay.sh}'s load) is saved. Each caller gets
 * its own copy of the session; the attribute values it shares with other copies are
 * immutable (strings, numbers and the records {@link SessionCodec} admits).
 * <p>
 * Bounded: the sessions used within the last {@link #KEEP_FOR}, at most
 * {@link #MAX_SESSIONS} of them (a few KB each: the sealed value and what it decodes to,
 * the same tokens the instance holds while it serves a request of that session).
 */
final class DecodedSessions {

	static final int MAX_SESSIONS = 4096;

	static final Duration KEEP_FOR = Duration.ofMinutes(1);

	private final SessionCodec codec;

	private final Cache<String, Decoded> lastDecoded = Caffeine.newBuilder()
		.maximumSize(MAX_SESSIONS)
		.expireAfterAccess(KEEP_FOR)
		.build();

	DecodedSessions(SessionCodec codec) {
		this.codec = codec;
	}

	/**
	 * The session stored as {@code value} under {@code id}, or {@code null} when it
	 * cannot be read ({@link SessionCodec#decode}).
	 */
	@Nullable StoredSession decode(String id, byte[] value) {
		Decoded known = this.lastDecoded.getIfPresent(id);
		if (known != null && Arrays.equals(known.value(), value)) {
			return known.session().copy();
		}
		StoredSession decoded = this.codec.decode(id, value);
		if (decoded == null) {
			this.lastDecoded.invalidate(id);
			return null;
		}
		this.lastDecoded.put(id, new Decoded(value, decoded.copy()));
		return decoded;
	}

	/** The session ended here: nothing of it needs to stay in memory. */
	void forget(String id) {
		this.lastDecoded.invalidate(id);
	}

	/** A value and the session it decoded to, never handed out itself (only copies). */
	private record Decoded(byte[] value, StoredSession session) {
	}

}
