package dev.porter.gateway.session;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.gateway.cache.Caches;
import dev.porter.gateway.redis.KeyTracking;
import dev.porter.gateway.redis.RedisKeyTracking;
import org.jspecify.annotations.Nullable;

/**
 * The session values this instance read last from Redis, each with what it decoded to, so
 * that a request of a session this instance served a moment ago costs no round trip to
 * Redis and no decoding.
 * <p>
 * A kept value is served without asking Redis only while {@link RedisKeyTracking} trusts
 * it: it was read under a stamp nothing moved since, Redis has not said its key changed
 * (written, deleted, expired — on any instance), the tracking has worked without a break
 * since, and it was read at most {@link #TRUST_FOR} ago (counted from when the read
 * began, on a monotonic clock: neither a late answer nor a wall clock stepped back
 * stretches it). So a session ended or changed on another instance is seen here as soon
 * as Redis's invalidation arrives, a round trip after the change; without tracking every
 * request reads Redis, and a value read again that is the one kept is not decoded again
 * (AES-GCM and JSON: 14 to 17 % of a Redis-mode gateway's CPU samples under
 * {@code bench/relay.sh}'s load before this cache).
 * <p>
 * Reads whose answer decides a write (the refresh of tokens, a write retried after a
 * concurrent one) never take a kept value: see
 * {@link EncryptedRedisSessionRepository#findCurrent}.
 * <p>
 * Each caller gets its own copy of the session; the attribute values it shares with other
 * copies are immutable (strings, numbers and the records {@link SessionCodec} admits).
 * Bounded: the sessions used within the last {@link #KEEP_FOR}, at most
 * {@link #MAX_SESSIONS} of them (a few KB each: the sealed value and what it decodes to,
 * the same tokens the instance holds while it serves a request of that session).
 */
final class SessionNearCache {

	static final int MAX_SESSIONS = 4096;

	static final Duration KEEP_FOR = Duration.ofMinutes(1);

	/**
	 * The longest a value is served without reading it again, even with no invalidation:
	 * a bound on what a lost invalidation could cost, not the way changes are seen.
	 */
	static final Duration TRUST_FOR = Duration.ofSeconds(10);

	private final SessionCodec codec;

	private final KeyTracking tracking;

	/** Where ages are read, in nanoseconds: {@link System#nanoTime()}, a test's. */
	private final LongSupplier nanoTime;

	/** By session key, as Redis's invalidations name them. */
	private final Cache<String, Kept> kept = Caches.newBuilder()
		.maximumSize(MAX_SESSIONS)
		.expireAfterAccess(KEEP_FOR)
		.build();

	/**
	 * @param tracking tells which kept sessions changed in Redis; this cache registers
	 * the sessions' keys with it, so it must not have started yet
	 * @param nanoTime a monotonic clock, in nanoseconds, that the kept values' ages are
	 * measured on: a wall clock stepped back would make them look younger
	 */
	SessionNearCache(SessionCodec codec, KeyTracking tracking, LongSupplier nanoTime) {
		this.codec = codec;
		this.tracking = tracking;
		this.nanoTime = nanoTime;
		tracking.track(EncryptedRedisSessionRepository.PREFIX, this::invalidated);
	}

	/**
	 * A copy of the session of this id as kept, when it may be served without reading
	 * Redis; otherwise {@code null}.
	 */
	@Nullable StoredSession trusted(SessionKey key) {
		Kept known = this.kept.getIfPresent(key.value());
		if (known == null || !this.tracking.trusts(known.stamp()) || !withinTrust(known.readAt())) {
			return null;
		}
		return known.session().copy();
	}

	/** Read at most {@link #TRUST_FOR} ago, by the monotonic clock. */
	private boolean withinTrust(long readAt) {
		return this.nanoTime.getAsLong() - readAt <= TRUST_FOR.toNanos();
	}

	/** To take before reading a session value from Redis, and hand to {@link #decode}. */
	Read startRead() {
		return new Read(this.tracking.stamp(), this.nanoTime.getAsLong());
	}

	/**
	 * The session stored as {@code value} under {@code id}, read as {@code read} tells,
	 * or {@code null} when it cannot be read ({@link SessionCodec#decode}); kept, and
	 * trusted when nothing was invalidated since the read began.
	 */
	@Nullable StoredSession decode(String id, SessionKey key, byte[] value, Read read) {
		Kept known = this.kept.getIfPresent(key.value());
		StoredSession session = (known != null && Arrays.equals(known.value(), value)) ? known.session().copy()
				: this.codec.decode(id, value);
		if (session == null) {
			this.kept.invalidate(key.value());
			return null;
		}
		StoredSession toKeep = session.copy();
		long stamp = read.stamp();
		// Under the key's lock, as an invalidation of it is applied: one that arrived
		// after the stamp either moved the stamp on before this runs, or finds this
		// value kept and distrusts it. Its age counts from the read's start: Redis may
		// have answered late.
		this.kept.asMap()
			.compute(key.value(), (name, current) -> new Kept(value, toKeep,
					this.tracking.unchangedSince(stamp) ? stamp : KeyTracking.NOT_TRACKING, read.startedAt()));
		return session;
	}

	/**
	 * Redis says the value under this key changed: the next request reads it. What it
	 * decoded to stays, for when the value read is the same.
	 * <p>
	 * Under the key's lock, always: {@code computeIfPresent} first looks for the key
	 * without it, and missed a value that {@link #decode} was putting in at that moment
	 * (after finding the stamp unchanged, before this moved it on), which then stayed
	 * trusted. With both under the lock, one of them runs first: this one, and the stamp
	 * has moved on when decode checks it; or decode, and this finds its value.
	 */
	private void invalidated(@Nullable String redisKey) {
		SessionKey key = (redisKey != null)
				? SessionKey.parse(redisKey.substring(EncryptedRedisSessionRepository.PREFIX.length())) : null;
		if (key == null) {
			// A flush (the tracking distrusts every kept value by its stamp), or no
			// session's key.
			return;
		}
		this.kept.asMap()
			.compute(key.value(), (name, current) -> (current != null)
					? new Kept(current.value(), current.session(), KeyTracking.NOT_TRACKING, current.readAt()) : null);
	}

	/**
	 * This instance stored {@code value} for the session: kept for the next read, which
	 * still asks Redis (another instance may write after this) but need not decode it.
	 */
	void wrote(SessionKey key, StoredSession session, byte[] value) {
		StoredSession toKeep = session.copy();
		long readAt = this.nanoTime.getAsLong();
		this.kept.asMap()
			.compute(key.value(), (name, current) -> new Kept(value, toKeep, KeyTracking.NOT_TRACKING, readAt));
	}

	/**
	 * The session ended here, or Redis answered a read that it is gone (the push saying
	 * so may still be on its way): nothing of it needs to stay in memory, nor may be
	 * served.
	 */
	void forget(SessionKey key) {
		this.kept.invalidate(key.value());
	}

	/**
	 * The tracking's stamp before a read of Redis, and when the read began (by the
	 * monotonic clock).
	 */
	record Read(long stamp, long startedAt) {
	}

	/**
	 * A value, the session it decoded to (never handed out itself, only copies), the
	 * stamp it was read under ({@link KeyTracking#NOT_TRACKING}: not to be served without
	 * reading Redis) and when its read began (by the monotonic clock).
	 */
	private record Kept(byte[] value, StoredSession session, long stamp, long readAt) {
	}

}
