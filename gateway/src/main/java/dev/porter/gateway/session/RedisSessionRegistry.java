package dev.porter.gateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The registry shared by every gateway instance: a Redis set of {@link SessionKey session
 * keys} per {@code sid} and per {@code sub}, expiring with the sessions' absolute
 * lifetime. A back-channel call reaching any instance ends the sessions all instances
 * created.
 * <p>
 * So {@code porter:logout:sid:*} counts IdP sessions, not gateway sessions: a browser
 * that signs in again while it is still signed in at the IdP (single sign-on, or a load
 * test reusing its cookie jar) gets the same {@code sid}, and its gateway sessions share
 * one key (601 keys were once counted for 1 040 sessions after 1 000 logins; fresh
 * browsers get one key each, as the e2e {@code ScaleOutJourneyTests} shows). A key goes
 * with the last session logged out or ended by a back-channel logout under it, or one
 * absolute lifetime after the latest login under it (sessions that merely idled out stay
 * listed until then, harmlessly: ending a session that is gone does nothing).
 */
class RedisSessionRegistry implements SessionRegistry {

	private static final String PREFIX = "porter:logout:";

	/**
	 * Adds the session to each set and renews the set's expiry, at once: a timeout
	 * between the two commands would leave a set that never expires. KEYS: the sets;
	 * ARGV: the session key, the lifetime in milliseconds.
	 */
	private static final RedisScript<Long> REGISTER = RedisScript.of("""
			for _, set in ipairs(KEYS) do
				redis.call('sadd', set, ARGV[1])
				redis.call('pexpire', set, ARGV[2])
			end
			return 1
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final Duration entryLifetime;

	RedisSessionRegistry(ReactiveStringRedisTemplate redis, Duration entryLifetime) {
		this.redis = redis;
		this.entryLifetime = entryLifetime;
	}

	@Override
	public Mono<Void> register(SessionKey session, @Nullable String sid, @Nullable String sub) {
		List<String> sets = new ArrayList<>(2);
		if (sid != null) {
			sets.add(key(InMemorySessionRegistry.sidKey(sid)));
		}
		if (sub != null) {
			sets.add(key(InMemorySessionRegistry.subKey(sub)));
		}
		if (sets.isEmpty()) {
			return Mono.empty();
		}
		return this.redis
			.execute(REGISTER, sets, List.of(session.value(), Long.toString(this.entryLifetime.toMillis())))
			.then();
	}

	@Override
	public Mono<Void> unregister(SessionKey session, @Nullable String sid, String sub) {
		Mono<Long> bySid = (sid != null)
				? this.redis.opsForSet().remove(key(InMemorySessionRegistry.sidKey(sid)), session.value())
				: Mono.empty();
		return bySid.then(this.redis.opsForSet().remove(key(InMemorySessionRegistry.subKey(sub)), session.value()))
			.then();
	}

	@Override
	public Mono<Set<SessionKey>> findBySid(String sid) {
		return find(key(InMemorySessionRegistry.sidKey(sid)));
	}

	@Override
	public Mono<Set<SessionKey>> findBySub(String sub) {
		return find(key(InMemorySessionRegistry.subKey(sub)));
	}

	private Mono<Set<SessionKey>> find(String key) {
		return this.redis.opsForSet()
			.members(key)
			.mapNotNull(SessionKey::parse)
			.collect(Collectors.toUnmodifiableSet());
	}

	private static String key(String suffix) {
		return PREFIX + suffix;
	}

}
