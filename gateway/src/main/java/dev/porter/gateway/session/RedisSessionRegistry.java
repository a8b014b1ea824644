package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
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
 * absolute lifetime after the latest login under it. A session that idled out is
 * unregistered when a list of its user's sessions (each login runs one) finds it gone
 * while the directory still holds its entry; one missed then stays listed until the key
 * goes (ending a session that is gone does nothing, but each login renews the user's
 * key).
 * <p>
 * A back-channel logout also leaves {@code porter:logout:ended:sid:<sid>} (or
 * {@code …:sub:<sub>}), its token's {@code iat}, for {@link #LOGOUT_MEMORY}: one small
 * key per logout the IdP sent.
 */
class RedisSessionRegistry implements SessionRegistry {

	private static final String PREFIX = "porter:logout:";

	/**
	 * Adds the session to each set and renews the set's expiry, at once: a timeout
	 * between the two commands would leave a set that never expires. In the same step,
	 * answers 1 if a logout recorded for one of the sets is no older than the login.
	 * KEYS: the sets, then the logout recorded for each, in the same order; ARGV: the
	 * session key, the lifetime in milliseconds, the ID token's {@code iat} in epoch
	 * seconds.
	 */
	private static final RedisScript<Long> REGISTER = RedisScript.of("""
			local sets = #KEYS / 2
			for i = 1, sets do
				redis.call('sadd', KEYS[i], ARGV[1])
				redis.call('pexpire', KEYS[i], ARGV[2])
			end
			for i = sets + 1, #KEYS do
				local logout = redis.call('get', KEYS[i])
				if logout and tonumber(logout) >= tonumber(ARGV[3]) then
					return 1
				end
			end
			return 0
			""", Long.class);

	/**
	 * Records a logout (the latest {@code iat} recorded, remembered from now on) and
	 * answers the sessions of its set, at once. KEYS: the set, the logout recorded for
	 * it; ARGV: the logout token's {@code iat} in epoch seconds, how long it is
	 * remembered in milliseconds.
	 */
	@SuppressWarnings("rawtypes") // Redis answers a list of whatever its members are
	private static final RedisScript<List> LOGGED_OUT = RedisScript.of("""
			local recorded = redis.call('get', KEYS[2])
			local latest = ARGV[1]
			if recorded and tonumber(recorded) > tonumber(latest) then
				latest = recorded
			end
			redis.call('set', KEYS[2], latest, 'PX', ARGV[2])
			return redis.call('smembers', KEYS[1])
			""", List.class);

	private final ReactiveStringRedisTemplate redis;

	private final Duration entryLifetime;

	RedisSessionRegistry(ReactiveStringRedisTemplate redis, Duration entryLifetime) {
		this.redis = redis;
		this.entryLifetime = entryLifetime;
	}

	@Override
	public Mono<Boolean> register(SessionKey session, @Nullable String sid, @Nullable String sub, Instant issuedAt) {
		List<String> names = new ArrayList<>(2);
		if (sid != null) {
			names.add(InMemorySessionRegistry.sidKey(sid));
		}
		if (sub != null) {
			names.add(InMemorySessionRegistry.subKey(sub));
		}
		if (names.isEmpty()) {
			return Mono.just(false);
		}
		List<String> keys = new ArrayList<>(4);
		names.forEach((name) -> keys.add(key(name)));
		names.forEach((name) -> keys.add(loggedOutKey(name)));
		return this.redis
			.execute(REGISTER, keys,
					List.of(session.value(), Long.toString(this.entryLifetime.toMillis()),
							Long.toString(issuedAt.getEpochSecond())))
			.next()
			.map((loggedOut) -> loggedOut == 1L)
			.defaultIfEmpty(false);
	}

	/** One {@code MGET} of the logouts recorded for its {@code sid} and its user. */
	@Override
	public Mono<Boolean> loggedOut(IdpSession session) {
		List<String> keys = new ArrayList<>(2);
		String sid = session.sid();
		if (sid != null) {
			keys.add(loggedOutKey(InMemorySessionRegistry.sidKey(sid)));
		}
		keys.add(loggedOutKey(InMemorySessionRegistry.subKey(session.sub())));
		long since = session.since().getEpochSecond();
		return this.redis.opsForValue()
			.multiGet(keys)
			.map((logouts) -> logouts.stream().anyMatch((logout) -> logout != null && Long.parseLong(logout) >= since))
			.defaultIfEmpty(false);
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

	@Override
	public Mono<Set<SessionKey>> loggedOutSid(String sid, Instant issuedAt) {
		return loggedOut(InMemorySessionRegistry.sidKey(sid), issuedAt);
	}

	@Override
	public Mono<Set<SessionKey>> loggedOutSub(String sub, Instant issuedAt) {
		return loggedOut(InMemorySessionRegistry.subKey(sub), issuedAt);
	}

	private Mono<Set<SessionKey>> loggedOut(String name, Instant issuedAt) {
		return this.redis
			.execute(LOGGED_OUT, List.of(key(name), loggedOutKey(name)),
					List.of(Long.toString(issuedAt.getEpochSecond()), Long.toString(LOGOUT_MEMORY.toMillis())))
			.flatMapIterable((members) -> members)
			.mapNotNull((member) -> SessionKey.parse(member.toString()))
			.collect(Collectors.toUnmodifiableSet());
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

	/** Where the latest logout of {@code sid:…} or {@code sub:…} is recorded. */
	private static String loggedOutKey(String suffix) {
		return PREFIX + "ended:" + suffix;
	}

}
