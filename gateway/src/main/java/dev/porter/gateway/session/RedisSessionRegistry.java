package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.porter.gateway.redis.InstanceClocks;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The registry shared by every gateway instance: a Redis sorted set of {@link SessionKey
 * session keys} per {@code sid} and per {@code sub}, each scored by when it registered
 * (epoch milliseconds on the registering instance's clock), expiring with the sessions'
 * absolute lifetime. A back-channel call reaching any instance ends the sessions all
 * instances created.
 * <p>
 * So {@code porter:logout:sid:*} counts IdP sessions, not gateway sessions: a browser
 * that signs in again while it is still signed in at the IdP (single sign-on, or a load
 * test reusing its cookie jar) gets the same {@code sid}, and its gateway sessions share
 * one key (601 keys were once counted for 1 040 sessions after 1 000 logins; fresh
 * browsers get one key each, as the e2e {@code ScaleOutJourneyTests} shows). A key goes
 * with the last session logged out or ended by a back-channel logout under it, or one
 * absolute lifetime after the latest login under it. A session that idled out is
 * unregistered when a list of its user's sessions (each login runs one) finds it gone
 * while the directory still holds its entry. One missed then leaves its sets at the first
 * login under them once it registered more than an absolute lifetime ago (no session
 * outlives that), plus {@link InstanceClocks#SKEW_ALLOWANCE}, as another instance may
 * have scored it on a clock behind this one's: a user who keeps signing in keeps no more
 * members than she had sessions in one lifetime.
 * <p>
 * A back-channel logout also leaves {@code porter:logout:ended:sid:<sid>} (or
 * {@code …:sub:<sub>}), its token's {@code iat}, for {@link #LOGOUT_MEMORY}: one small
 * key per logout the IdP sent.
 * <p>
 * Every command on a registry key runs in a script that first takes over a plain set an
 * earlier version wrote ({@link #TAKE_OVER_PLAIN_SET}).
 */
class RedisSessionRegistry implements SessionRegistry {

	private static final String PREFIX = "porter:logout:";

	/**
	 * For sets written before registrations were scored by their time (plain sets, on
	 * which a sorted-set command fails with {@code WRONGTYPE}):
	 * {@code takeOver(key, now)} makes one the same key as a sorted set, its expiry kept,
	 * each session counted as registered {@code now}, so that it leaves one lifetime
	 * later at the latest. Prepended to every script here.
	 */
	private static final String TAKE_OVER_PLAIN_SET = """
			local function takeOver(key, now)
				if redis.call('type', key).ok ~= 'set' then return end
				local sessions = redis.call('smembers', key)
				local expiry = redis.call('pttl', key)
				redis.call('del', key)
				for _, session in ipairs(sessions) do
					redis.call('zadd', key, now, session)
				end
				if expiry > 0 then redis.call('pexpire', key, expiry) end
			end
			""";

	/**
	 * Adds the session to each set, removes those registered before the oldest time a
	 * session still living can have registered at, and renews the set's expiry, at once:
	 * a timeout between the commands would leave a set that never expires. In the same
	 * step, answers 1 if a logout recorded for one of the sets is no older than the
	 * login. KEYS: the sets, then the logout recorded for each, in the same order; ARGV:
	 * the session key, the lifetime in milliseconds, the ID token's {@code iat} in epoch
	 * seconds, now and the oldest registration kept in epoch milliseconds.
	 */
	private static final RedisScript<Long> REGISTER = RedisScript.of(TAKE_OVER_PLAIN_SET + """
			local sets = #KEYS / 2
			for i = 1, sets do
				takeOver(KEYS[i], ARGV[4])
				redis.call('zadd', KEYS[i], ARGV[4], ARGV[1])
				redis.call('zremrangebyscore', KEYS[i], '-inf', '(' .. ARGV[5])
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
	 * remembered in milliseconds, now in epoch milliseconds.
	 */
	@SuppressWarnings("rawtypes") // Redis answers a list of whatever its members are
	private static final RedisScript<List> LOGGED_OUT = RedisScript.of(TAKE_OVER_PLAIN_SET + """
			takeOver(KEYS[1], ARGV[3])
			local recorded = redis.call('get', KEYS[2])
			local latest = ARGV[1]
			if recorded and tonumber(recorded) > tonumber(latest) then
				latest = recorded
			end
			redis.call('set', KEYS[2], latest, 'PX', ARGV[2])
			return redis.call('zrange', KEYS[1], 0, -1)
			""", List.class);

	/**
	 * The sessions of a set that registered no later than a time. KEYS: the set; ARGV:
	 * now and that time in epoch milliseconds (or {@code +inf}). {@code ZRANGEBYSCORE}:
	 * {@code ZRANGE … BYSCORE} needs Redis 6.2.
	 */
	@SuppressWarnings("rawtypes") // Redis answers a list of whatever its members are
	private static final RedisScript<List> FIND = RedisScript.of(TAKE_OVER_PLAIN_SET + """
			takeOver(KEYS[1], ARGV[1])
			return redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[2])
			""", List.class);

	/**
	 * Removes the session from each set. KEYS: the sets; ARGV: the session key, now in
	 * epoch milliseconds.
	 */
	private static final RedisScript<Long> UNREGISTER = RedisScript.of(TAKE_OVER_PLAIN_SET + """
			for i = 1, #KEYS do
				takeOver(KEYS[i], ARGV[2])
				redis.call('zrem', KEYS[i], ARGV[1])
			end
			return 0
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final Duration entryLifetime;

	private final Clock clock;

	RedisSessionRegistry(ReactiveStringRedisTemplate redis, Duration entryLifetime, Clock clock) {
		this.redis = redis;
		this.entryLifetime = entryLifetime;
		this.clock = clock;
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
		Instant now = this.clock.instant();
		Instant oldestKept = now.minus(this.entryLifetime).minus(InstanceClocks.SKEW_ALLOWANCE);
		return this.redis
			.execute(REGISTER, keys,
					List.of(session.value(), Long.toString(this.entryLifetime.toMillis()),
							Long.toString(issuedAt.getEpochSecond()), Long.toString(now.toEpochMilli()),
							Long.toString(oldestKept.toEpochMilli())))
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
		List<String> keys = new ArrayList<>(2);
		if (sid != null) {
			keys.add(key(InMemorySessionRegistry.sidKey(sid)));
		}
		keys.add(key(InMemorySessionRegistry.subKey(sub)));
		return this.redis.execute(UNREGISTER, keys, List.of(session.value(), nowMillis())).then();
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
	public Mono<Set<SessionKey>> findBySid(String sid, Instant registeredBy) {
		return find(key(InMemorySessionRegistry.sidKey(sid)), Long.toString(registeredBy.toEpochMilli()));
	}

	@Override
	public Mono<Set<SessionKey>> findBySub(String sub, Instant registeredBy) {
		return find(key(InMemorySessionRegistry.subKey(sub)), Long.toString(registeredBy.toEpochMilli()));
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
		return sessions(LOGGED_OUT, List.of(key(name), loggedOutKey(name)), List
			.of(Long.toString(issuedAt.getEpochSecond()), Long.toString(LOGOUT_MEMORY.toMillis()), nowMillis()));
	}

	private Mono<Set<SessionKey>> find(String key) {
		return find(key, "+inf");
	}

	private Mono<Set<SessionKey>> find(String key, String registeredBy) {
		return sessions(FIND, List.of(key), List.of(nowMillis(), registeredBy));
	}

	/**
	 * What {@code script} answers, as session keys: members that are none are skipped.
	 */
	@SuppressWarnings("rawtypes")
	private Mono<Set<SessionKey>> sessions(RedisScript<List> script, List<String> keys, List<String> arguments) {
		return this.redis.execute(script, keys, arguments)
			.flatMapIterable((members) -> members)
			.mapNotNull((member) -> SessionKey.parse(member.toString()))
			.collect(Collectors.toUnmodifiableSet());
	}

	/** Now in epoch milliseconds: when a plain set taken over counts as registered. */
	private String nowMillis() {
		return Long.toString(this.clock.millis());
	}

	private static String key(String suffix) {
		return PREFIX + suffix;
	}

	/** Where the latest logout of {@code sid:…} or {@code sub:…} is recorded. */
	private static String loggedOutKey(String suffix) {
		return PREFIX + "ended:" + suffix;
	}

}
