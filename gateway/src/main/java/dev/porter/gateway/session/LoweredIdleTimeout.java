package dev.porter.gateway.session;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Stores as idled out a session found past the gateway's idle timeout while its value
 * holds a longer one: {@code SESSION_IDLE_TIMEOUT} was lowered since it was written
 * ({@link SessionCodec}). Left as it was, its value went on holding the longer timeout
 * and its refresh token, for as long as Redis kept it (the old timeout and
 * {@link EncryptedRedisSessionRepository#STORE_GRACE}): an instance still on the old
 * setting, or the whole service rolled back to it, signed it in again and wrote it back.
 * So its value is sealed again with the lowered timeout, which any instance ends it by,
 * and Redis keeps it no longer than a session that idled out by itself (the grace, for a
 * request that may still hold it; its refresh token, as theirs, is not revoked). Only
 * while it is still the value read: one written meanwhile was written by a request that
 * holds the session, and is that request's to keep.
 * <p>
 * One for the gateway: every reading of the stored sessions that ends one past its idle
 * timeout (by id, from the near cache, by key) goes through {@link #idledOut}.
 */
final class LoweredIdleTimeout {

	/**
	 * Replaces KEYS[1] with ARGV[2] while it holds ARGV[1], for what Redis keeps it still
	 * but at most ARGV[3] ms.
	 */
	private static final RedisScript<Long> SEAL_AS_IDLED_OUT = RedisScript.of("""
			if redis.call('GET', KEYS[1]) ~= ARGV[1] then
			  return 0
			end
			local ttl = tonumber(ARGV[3])
			local left = redis.call('PTTL', KEYS[1])
			if left > 0 and left < ttl then
			  ttl = left
			end
			redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
			return 1""", Long.class);

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final SessionNearCache kept;

	LoweredIdleTimeout(ReactiveRedisTemplate<String, byte[]> redis, SessionNearCache kept) {
		this.redis = redis;
		this.kept = kept;
	}

	/**
	 * Nothing, for a session found past its idle timeout. One past only the gateway's
	 * lowered one ({@code lowered}) is first stored as idled out, while the value it was
	 * read as is known: {@code idledOut}, its value sealed with the lowered idle timeout,
	 * is encoded only then.
	 * @param read the value the session was read as; {@code null} when not known
	 */
	<T> Mono<T> idledOut(SessionKey key, boolean lowered, byte @Nullable [] read, Supplier<byte[]> idledOut) {
		if (!lowered || read == null) {
			return Mono.empty();
		}
		return storeIdledOut(key, read, idledOut.get()).then(Mono.empty());
	}

	/**
	 * Stores {@code idledOut} in place of {@code read}. Best effort: a store that fails
	 * leaves it for the next read to do, and the session is over for this one all the
	 * same.
	 */
	private Mono<Void> storeIdledOut(SessionKey key, byte[] read, byte[] idledOut) {
		byte[] ttl = Long.toString(EncryptedRedisSessionRepository.STORE_GRACE.toMillis())
			.getBytes(StandardCharsets.US_ASCII);
		return this.redis
			.execute(SEAL_AS_IDLED_OUT, List.of(EncryptedRedisSessionRepository.key(key)), List.of(read, idledOut, ttl))
			.then()
			// Nothing of it is to be served any more.
			.doOnSuccess((done) -> this.kept.forget(key))
			.onErrorResume(DataAccessException.class, (ex) -> Mono.empty());
	}

}
