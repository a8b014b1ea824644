package dev.porter.gateway.token;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.session.SessionKey;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A short per-session lease in Redis ({@code SET NX PX} on
 * {@code porter:refresh-lock:<session key>}, never the session id): the holder refreshes
 * and writes the session through; the others poll for the lease, then re-read the session
 * and find the fresh token. The lease expires on its own if its holder dies, and is
 * released only by its owner.
 */
class RedisRefreshLock implements RefreshLock {

	private static final RedisScript<Long> RELEASE = RedisScript.of(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
			Long.class);

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
				(acquired) -> this.redis.execute(RELEASE, List.of(key), List.of(owner)).then());
	}

	private Mono<Boolean> acquire(String key, String owner) {
		return Mono.defer(() -> this.redis.opsForValue().setIfAbsent(key, owner, this.lease))
			.filter(Boolean::booleanValue)
			.repeatWhenEmpty((attempts) -> attempts.delayElements(POLL))
			.timeout(this.lease)
			.onErrorMap((ex) -> new ProblemException(Problems.identityProviderUnavailable(), ex));
	}

}
