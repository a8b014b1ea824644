package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The directory shared by every gateway instance. Keys:
 * <ul>
 * <li>{@code porter:sessions:entry:<session key>}: a hash ({@code sub}, {@code sid},
 * {@code created} and {@code seen} in epoch milliseconds, {@code ua}), expiring by the
 * {@link SessionDirectoryRetention} — one idle timeout plus one touch interval after the
 * session was last seen, never later than its absolute lifetime;</li>
 * <li>{@code porter:sessions:user:<sub>}: the set of the user's session keys, expiring
 * one absolute lifetime after the user's latest login (no member can live longer). Keys
 * whose entry has expired are removed when the set is read.</li>
 * </ul>
 * So nothing outlives the sessions it describes by more than those bounds, and a user who
 * stops signing in leaves no key behind. Sessions are known by their {@link SessionKey},
 * never by their id.
 */
class RedisSessionDirectory implements SessionDirectory {

	private static final String ENTRY = "porter:sessions:entry:";

	private static final String USER = "porter:sessions:user:";

	/**
	 * Touches an entry only if it exists: a session whose entry expired (or that never
	 * signed in) must not get a partial one without expiry.
	 */
	private static final RedisScript<Long> SEEN = RedisScript.of("""
			if redis.call('exists', KEYS[1]) == 0 then return 0 end
			local created = tonumber(redis.call('hget', KEYS[1], 'created'))
			redis.call('hset', KEYS[1], 'seen', ARGV[1])
			local idleEnd = tonumber(ARGV[1]) + tonumber(ARGV[2])
			local absoluteEnd = created + tonumber(ARGV[3])
			redis.call('pexpireat', KEYS[1], string.format('%.0f', math.min(idleEnd, absoluteEnd)))
			return 1
			""", Long.class);

	/**
	 * The entry, its expiry and its place in the user's set at once: commands sent one by
	 * one and cut off part way (a timeout, a dropped connection) would leave a key
	 * without expiry, or an entry its user's set does not name. KEYS: the entry, the
	 * user's set; ARGV: the entry's end (epoch milliseconds), the set's lifetime
	 * (milliseconds), the session key, then the entry's fields and values.
	 */
	private static final RedisScript<Long> RECORD = RedisScript.of("""
			redis.call('del', KEYS[1])
			redis.call('hset', KEYS[1], unpack(ARGV, 4))
			redis.call('pexpireat', KEYS[1], ARGV[1])
			redis.call('sadd', KEYS[2], ARGV[3])
			redis.call('pexpire', KEYS[2], ARGV[2])
			return 1
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final SessionDirectoryRetention retention;

	RedisSessionDirectory(ReactiveStringRedisTemplate redis, SessionDirectoryRetention retention) {
		this.redis = redis;
		this.retention = retention;
	}

	@Override
	public Mono<Void> record(DirectoryEntry entry) {
		Instant until = this.retention.retainUntil(entry.createdAt(), entry.lastSeenAt());
		List<String> arguments = new ArrayList<>();
		arguments.add(Long.toString(until.toEpochMilli()));
		arguments.add(Long.toString(this.retention.absoluteLifetime().toMillis()));
		arguments.add(entry.key().value());
		fields(entry).forEach((field, value) -> {
			arguments.add(field);
			arguments.add(value);
		});
		return this.redis.execute(RECORD, List.of(ENTRY + entry.key().value(), USER + entry.sub()), arguments).then();
	}

	@Override
	public Flux<DirectoryEntry> entriesOf(String sub) {
		return this.redis.opsForSet().members(USER + sub).concatMap((member) -> {
			SessionKey key = SessionKey.parse(member);
			return (key != null) ? entry(sub, key)
					: this.redis.opsForSet().remove(USER + sub, member).then(Mono.empty());
		});
	}

	@Override
	public Mono<Void> seen(SessionKey key, Instant at) {
		Duration idle = this.retention.idleTimeout().plus(this.retention.touchInterval());
		return this.redis
			.execute(SEEN, List.of(ENTRY + key.value()), List.of(Long.toString(at.toEpochMilli()),
					Long.toString(idle.toMillis()), Long.toString(this.retention.absoluteLifetime().toMillis())))
			.then();
	}

	@Override
	public Mono<Void> forget(SessionKey key, String sub) {
		return this.redis.delete(ENTRY + key.value())
			.then(this.redis.opsForSet().remove(USER + sub, key.value()))
			.then();
	}

	/**
	 * The session's entry, or nothing (and the key leaves the user's set) when expired.
	 */
	private Mono<DirectoryEntry> entry(String sub, SessionKey key) {
		return this.redis.<String, String>opsForHash()
			.entries(ENTRY + key.value())
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.flatMap((fields) -> {
				DirectoryEntry entry = parse(key, fields);
				if (entry == null || !entry.sub().equals(sub)) {
					return this.redis.opsForSet().remove(USER + sub, key.value()).then(Mono.empty());
				}
				return Mono.just(entry);
			});
	}

	private static Map<String, String> fields(DirectoryEntry entry) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("sub", entry.sub());
		if (entry.sid() != null) {
			fields.put("sid", entry.sid());
		}
		fields.put("created", Long.toString(entry.createdAt().toEpochMilli()));
		fields.put("seen", Long.toString(entry.lastSeenAt().toEpochMilli()));
		if (entry.userAgent() != null) {
			fields.put("ua", entry.userAgent());
		}
		return fields;
	}

	private static @Nullable DirectoryEntry parse(SessionKey key, Map<String, String> fields) {
		String sub = fields.get("sub");
		String created = fields.get("created");
		String seen = fields.get("seen");
		if (sub == null || created == null || seen == null) {
			return null;
		}
		return new DirectoryEntry(key, fields.get("sid"), sub, Instant.ofEpochMilli(Long.parseLong(created)),
				Instant.ofEpochMilli(Long.parseLong(seen)), fields.get("ua"));
	}

}
