package dev.porter.gateway.session;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import dev.porter.common.OncePerInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.Session;

/**
 * Sessions in Redis, one encrypted value per session under {@code porter:session:<key>}
 * ({@link SessionCodec}), living as long as the idle timeout since the last write (in
 * Redis, {@link #STORE_GRACE} longer, for the requests that hold it then). A request
 * costs one {@code GET}, or none when this instance read the session a moment ago and
 * Redis has not said it changed since ({@link SessionNearCache}); it writes back only
 * when the session changed or its last access moved on by a tenth of the idle timeout (at
 * most a minute), so an idle session ends between that much before and its idle timeout
 * after its last use.
 * <p>
 * A write replaces the value only if it is still the one the request read (a
 * compare-and-set script); otherwise the request's changes are applied to what is stored
 * now and written again. A session ended meanwhile (logout, back-channel logout) is never
 * written back.
 */
class EncryptedRedisSessionRepository implements ReactiveSessionRepository<StoredSession>, SharedSessions {

	static final String PREFIX = "porter:session:";

	private static final Duration MAX_WRITE_BACK = Duration.ofMinutes(1);

	/**
	 * How much longer than its idle timeout Redis keeps a session after its last write. A
	 * request that arrived a moment before the idle timeout holds the session until it
	 * answers, and writes its use back only then; meanwhile it may wait for the IdP's
	 * refresh (TOKEN_REFRESH_TIMEOUT, 30 s, and its store), whose rotated token must find
	 * the session to go into. Without the grace Redis deleted the session under it: the
	 * refresh revoked the fresh token, the answer's save found nothing, and the user was
	 * signed out while active. Reads still end a session by its idle timeout
	 * ({@link StoredSession#isExpired}); the grace only keeps an idle one's value a
	 * little longer.
	 */
	static final Duration STORE_GRACE = Duration.ofMinutes(2);

	private static final int ATTEMPTS = 5;

	/** Replaces KEYS[1] with ARGV[2] (TTL ARGV[3] ms) only while it holds ARGV[1]. */
	private static final RedisScript<Long> COMPARE_AND_SET = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
			  return 1
			end
			return 0""", Long.class);

	private static final Logger log = LoggerFactory.getLogger(EncryptedRedisSessionRepository.class);

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final SessionCodec codec;

	private final SessionNearCache kept;

	private final Duration defaultMaxInactiveInterval;

	private final Clock clock;

	/** One warning a minute while Redis refuses the write-backs. */
	private final OncePerInterval writeBackFailures;

	private final LoweredIdleTimeout loweredIdleTimeout;

	EncryptedRedisSessionRepository(ReactiveRedisTemplate<String, byte[]> redis, SessionCodec codec,
			SessionNearCache kept, LoweredIdleTimeout loweredIdleTimeout, Duration defaultMaxInactiveInterval,
			Clock clock) {
		this.redis = redis;
		this.codec = codec;
		this.kept = kept;
		this.loweredIdleTimeout = loweredIdleTimeout;
		this.defaultMaxInactiveInterval = defaultMaxInactiveInterval;
		this.clock = clock;
		this.writeBackFailures = OncePerInterval.of(Duration.ofMinutes(1), clock);
	}

	@Override
	public Mono<StoredSession> createSession() {
		return Mono.fromSupplier(() -> StoredSession.create(this.clock, this.defaultMaxInactiveInterval));
	}

	/** The session as this instance kept it when it may, otherwise as stored now. */
	@Override
	public Mono<StoredSession> findById(String id) {
		SessionKey key = SessionKey.of(id);
		StoredSession trusted = this.kept.trusted(key);
		if (trusted != null) {
			return trusted.isExpired(this.clock.instant()) ? idledOut(key, trusted) : Mono.just(trusted);
		}
		return read(id, key, Instant.MIN);
	}

	@Override
	public Mono<StoredSession> findCurrent(String id, Instant usedAt) {
		return read(id, SessionKey.of(id), usedAt);
	}

	/**
	 * As {@link SharedSessions#update}; fails with {@link SessionWriteContended} when
	 * other writers won every compare-and-set, for the caller to retry (a refresh's
	 * rotated tokens must land).
	 */
	@Override
	public Mono<Void> update(String id, Instant usedAt, Consumer<Session> change) {
		return findCurrent(id, usedAt).flatMap((stored) -> {
			change.accept(stored);
			return write(stored);
		});
	}

	/**
	 * The session as stored, unless gone or expired, counting it used at {@code usedAt}
	 * at the latest. Gone, it is not kept either; expired only by a lowered idle timeout,
	 * it is stored as idled out ({@link LoweredIdleTimeout}).
	 */
	private Mono<StoredSession> read(String id, SessionKey key, Instant usedAt) {
		return Mono.defer(() -> {
			SessionNearCache.Read read = this.kept.startRead();
			return this.redis.opsForValue()
				.get(key(key))
				.switchIfEmpty(Mono.fromRunnable(() -> this.kept.forget(key)))
				.flatMap((value) -> {
					StoredSession session = this.kept.decode(id, key, value, read);
					if (session == null) {
						return Mono.empty();
					}
					if (!StoredSession.isExpired(later(session.getLastAccessedTime(), usedAt),
							session.getMaxInactiveInterval(), this.clock.instant())) {
						return Mono.just(session);
					}
					return idledOut(key, session);
				});
		});
	}

	/**
	 * Nothing, for a session found past its idle timeout: see {@link LoweredIdleTimeout}.
	 */
	private Mono<StoredSession> idledOut(SessionKey key, StoredSession session) {
		return this.loweredIdleTimeout.idledOut(key, session.isIdleTimeoutLowered(), session.storedValue(),
				() -> this.codec.encode(session));
	}

	private static Instant later(Instant one, Instant other) {
		return one.isAfter(other) ? one : other;
	}

	@Override
	public Mono<Void> deleteById(String id) {
		SessionKey key = SessionKey.of(id);
		return this.redis.delete(key(key)).doOnSuccess((deleted) -> this.kept.forget(key)).then();
	}

	/**
	 * The end of a request's write-back. When other writers won every compare-and-set,
	 * what this request changed is dropped with a warning rather than failing its answer:
	 * the stored session is intact and the next request writes again.
	 * <p>
	 * So is the last access alone, when Redis fails to store it (a timeout, a refusal):
	 * nothing else was to be written, the session as stored is intact, and the next
	 * request writes it back. Failed, the save is the answer's failure: Spring saves the
	 * session just before the answer's first byte, and the browser got a 503 for a
	 * request that had done its work (a relayed one's even counted against
	 * profile-service). A change that fails to be stored still fails the request: the
	 * browser's next request would not find it.
	 */
	@Override
	public Mono<Void> save(StoredSession session) {
		boolean onlyLastAccess = session.onlyLastAccessToWrite();
		return write(session).onErrorResume(SessionWriteContended.class, (ex) -> {
			log.warn("session not saved: changed concurrently {} times in a row", ATTEMPTS);
			return Mono.empty();
		}).onErrorResume((ex) -> onlyLastAccess && ex instanceof DataAccessException, (ex) -> {
			long failures = this.writeBackFailures.count();
			if (failures > 0) {
				log.warn("last use of a session not written back ({}): the next request writes it;"
						+ " {} such failures since the last message", ex.getClass().getSimpleName(), failures);
			}
			return Mono.empty();
		});
	}

	private Mono<Void> write(StoredSession session) {
		if (!session.needsWrite(writeBackAfter(session.getMaxInactiveInterval()))) {
			return Mono.empty();
		}
		if (session.isNewOrRenamed()) {
			return create(session);
		}
		return replace(session, session, ATTEMPTS);
	}

	/** A new session, or one whose id changed (the login): the old id stops working. */
	private Mono<Void> create(StoredSession session) {
		String previousId = session.storedId();
		byte[] value = this.codec.encode(session);
		Mono<Void> forgetPrevious = (previousId != null) ? deleteById(previousId) : Mono.empty();
		return this.redis.opsForValue().set(key(session.getId()), value, ttl(session)).doOnNext((done) -> {
			session.stored(value);
			this.kept.wrote(SessionKey.of(session.getId()), session, value);
		}).then(forgetPrevious);
	}

	private Mono<Void> replace(StoredSession session, StoredSession toWrite, int attemptsLeft) {
		byte[] expected = toWrite.storedValue();
		byte[] value = this.codec.encode(toWrite);
		String ttlMillis = Long.toString(ttl(toWrite).toMillis());
		return this.redis
			.execute(COMPARE_AND_SET, List.of(key(toWrite.getId())),
					List.of(expected, value, ttlMillis.getBytes(StandardCharsets.US_ASCII)))
			.next()
			.flatMap((replaced) -> {
				if (replaced == 1L) {
					toWrite.stored(value);
					this.kept.wrote(SessionKey.of(toWrite.getId()), toWrite, value);
					if (toWrite != session) {
						session.adopt(toWrite);
					}
					return Mono.empty();
				}
				if (attemptsLeft <= 1) {
					return Mono.error(new SessionWriteContended(ATTEMPTS));
				}
				// Changed meanwhile, or ended (then nothing is found and nothing
				// written). When the other writer already moved the last access on far
				// enough and this request changed nothing else, there is nothing left
				// to write: without this check, every request of a busy session in
				// flight when its last access became due wrote it back in turn.
				// Counted alive as long as this request, which holds it, keeps it.
				return findCurrent(session.getId(), session.getLastAccessedTime()).flatMap((current) -> {
					StoredSession rebased = session.rebase(current);
					if (!rebased.needsWrite(writeBackAfter(rebased.getMaxInactiveInterval()))) {
						session.adopt(rebased);
						return Mono.empty();
					}
					return replace(session, rebased, attemptsLeft - 1);
				});
			});
	}

	private Duration ttl(StoredSession session) {
		return session.getMaxInactiveInterval().plus(STORE_GRACE);
	}

	private static Duration writeBackAfter(Duration maxInactiveInterval) {
		// Not Duration.dividedBy, which divides through BigDecimal: this runs on every
		// request, and ~1 % of a Redis-mode request's CPU samples went there.
		Duration tenth = Duration.ofNanos(maxInactiveInterval.toNanos() / 10);
		return (tenth.compareTo(MAX_WRITE_BACK) < 0) ? tenth : MAX_WRITE_BACK;
	}

	/**
	 * Where the session of this id is stored: under its {@link SessionKey}, never the id,
	 * which is the session's credential.
	 */
	static String key(String id) {
		return key(SessionKey.of(id));
	}

	/** Where the session of this key is stored. */
	static String key(SessionKey key) {
		return PREFIX + key.value();
	}

}
