package dev.porter.gateway.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.session.SessionKey;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A short per-session lease in Redis ({@code SET NX PX} on
 * {@code porter:refresh-lock:<session key>}, never the session id): the holder refreshes
 * and writes the session through; the others poll for the lease, then re-read the session
 * and find the fresh token. The lease expires on its own if its holder dies, and is
 * released only by its owner.
 */
class RedisRefreshLock implements RefreshLock {

	private static final String RELEASE = """
			if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
			""";

	private static final Duration POLL = Duration.ofMillis(50);

	private final ReactiveStringRedisTemplate redis;

	private final Duration lease;

	/**
	 * @param lease how long a holder may keep the lock (and a waiter polls for it):
	 * longer than a refresh may take, so that no other instance presents the same refresh
	 * token while the IdP may still answer
	 */
	RedisRefreshLock(ReactiveStringRedisTemplate redis, Duration lease) {
		this.redis = redis;
		this.lease = lease;
	}

	@Override
	public <T> Mono<T> whileHolding(String sessionId, Supplier<Mono<T>> refresh) {
		String key = "porter:refresh-lock:" + SessionKey.of(sessionId).value();
		String owner = UUID.randomUUID().toString();
		return Mono.usingWhen(acquire(key, owner), (acquired) -> Mono.defer(refresh),
				(acquired) -> release(key, owner));
	}

	/**
	 * The lease, once no other holder has it. Held by another for a whole lease (a
	 * refresh slow at the IdP), the wait ends as the IdP's failure; Redis failing
	 * (unreachable, full: {@code OOM}) ends it with Redis's failure, the session store's
	 * to answer and log.
	 */
	private Mono<Boolean> acquire(String key, String owner) {
		return Mono.defer(() -> this.redis.opsForValue().setIfAbsent(key, owner, this.lease))
			.filter(Boolean::booleanValue)
			.repeatWhenEmpty((attempts) -> attempts.delayElements(POLL))
			.timeout(this.lease)
			// A SET that timed out here may still be carried out there: left alone, that
			// lease, which nobody would release, would refuse the session's refreshes
			// until it expired. Best effort: the Redis that just failed may fail again.
			.onErrorResume((ex) -> release(key, owner).onErrorResume((ignored) -> Mono.empty())
				.then(Mono.error((ex instanceof TimeoutException)
						? new ProblemException(Problems.identityProviderUnavailable(), ex) : ex)));
	}

	/**
	 * Deletes the lease if {@code owner} holds it: never another attempt's. One
	 * {@code EVAL}, not the template's {@code EVALSHA} retried as {@code EVAL} on
	 * {@code NOSCRIPT}: sent after a timeout, the retry would never be sent, and Redis,
	 * its scripts forgotten since it restarted, would carry out nothing.
	 */
	private Mono<Void> release(String key, String owner) {
		return this.redis
			.execute((connection) -> connection.scriptingCommands()
				.eval(utf8(RELEASE), ReturnType.INTEGER, 1, utf8(key), utf8(owner)))
			.then();
	}

	private static ByteBuffer utf8(String value) {
		return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
	}

}
