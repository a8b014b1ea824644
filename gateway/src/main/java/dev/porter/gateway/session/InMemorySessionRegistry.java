package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.gateway.cache.Caches;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The registry of one gateway process. Entries expire one absolute lifetime after the
 * latest login under them; a session in one leaves it at the first login under it once it
 * registered an absolute lifetime ago or longer (sessions that idled out are unregistered
 * earlier as {@link RedisSessionRegistry} says, and leave the same way if missed); the
 * logouts recorded for logins on their way, after {@link #LOGOUT_MEMORY}. All on the
 * gateway's clock.
 */
class InMemorySessionRegistry implements SessionRegistry {

	/** When each session registered, per {@link #sidKey} or {@link #subKey}. */
	private final Cache<String, Map<SessionKey, Instant>> sessions;

	/** The latest logout's {@code iat} per {@link #sidKey} or {@link #subKey}. */
	private final Cache<String, Instant> loggedOut;

	/**
	 * Makes a registration and its check one step, and a logout's recording and its
	 * look-up another: the two caches alone would let a login and a logout, each between
	 * its two steps, miss each other.
	 */
	private final Object lock = new Object();

	private final Duration entryLifetime;

	private final Clock clock;

	InMemorySessionRegistry(Duration entryLifetime, Clock clock) {
		this.entryLifetime = entryLifetime;
		this.clock = clock;
		this.sessions = Caches.newBuilder().expireAfterWrite(entryLifetime).ticker(Caches.ticker(clock)).build();
		this.loggedOut = Caches.newBuilder().expireAfterWrite(LOGOUT_MEMORY).ticker(Caches.ticker(clock)).build();
	}

	@Override
	public Mono<Boolean> register(SessionKey session, @Nullable String sid, @Nullable String sub, Instant issuedAt) {
		return Mono.fromSupplier(() -> {
			synchronized (this.lock) {
				boolean loggedOut = false;
				if (sid != null) {
					add(sidKey(sid), session);
					loggedOut = loggedOutSince(sidKey(sid), issuedAt);
				}
				if (sub != null) {
					add(subKey(sub), session);
					loggedOut = loggedOut || loggedOutSince(subKey(sub), issuedAt);
				}
				return loggedOut;
			}
		});
	}

	/** Without the lock: it registers nothing that a logout would have to see. */
	@Override
	public Mono<Boolean> loggedOut(IdpSession session) {
		return Mono.fromSupplier(() -> {
			String sid = session.sid();
			return (sid != null && loggedOutSince(sidKey(sid), session.since()))
					|| loggedOutSince(subKey(session.sub()), session.since());
		});
	}

	@Override
	public Mono<Void> unregister(SessionKey session, @Nullable String sid, String sub) {
		return Mono.fromRunnable(() -> {
			if (sid != null) {
				remove(sidKey(sid), session);
			}
			remove(subKey(sub), session);
		});
	}

	@Override
	public Mono<Set<SessionKey>> findBySid(String sid) {
		return Mono.fromSupplier(() -> find(sidKey(sid)));
	}

	@Override
	public Mono<Set<SessionKey>> findBySub(String sub) {
		return Mono.fromSupplier(() -> find(subKey(sub)));
	}

	@Override
	public Mono<Set<SessionKey>> findBySid(String sid, Instant registeredBy) {
		return Mono.fromSupplier(() -> find(sidKey(sid), registeredBy));
	}

	@Override
	public Mono<Set<SessionKey>> findBySub(String sub, Instant registeredBy) {
		return Mono.fromSupplier(() -> find(subKey(sub), registeredBy));
	}

	@Override
	public Mono<Set<SessionKey>> loggedOutSid(String sid, Instant issuedAt) {
		return Mono.fromSupplier(() -> loggedOut(sidKey(sid), issuedAt));
	}

	@Override
	public Mono<Set<SessionKey>> loggedOutSub(String sub, Instant issuedAt) {
		return Mono.fromSupplier(() -> loggedOut(subKey(sub), issuedAt));
	}

	private Set<SessionKey> loggedOut(String key, Instant issuedAt) {
		synchronized (this.lock) {
			// The latest, remembered from now on: an earlier token's logins are among
			// the later one's.
			this.loggedOut.asMap()
				.merge(key, issuedAt, (recorded, given) -> recorded.isAfter(given) ? recorded : given);
			return find(key);
		}
	}

	private boolean loggedOutSince(String key, Instant issuedAt) {
		Instant logout = this.loggedOut.getIfPresent(key);
		return logout != null && !logout.isBefore(issuedAt);
	}

	/**
	 * Also removes the sessions registered a lifetime ago or longer, which have ended (a
	 * session's lifetime runs from its login, before it registered): each login renews
	 * the entry's expiry, which would otherwise keep them for as long as the user signs
	 * in once a lifetime.
	 */
	private void add(String key, SessionKey session) {
		Instant now = this.clock.instant();
		Instant ended = now.minus(this.entryLifetime);
		this.sessions.asMap().compute(key, (k, sessions) -> {
			Map<SessionKey, Instant> updated = (sessions != null) ? sessions : new ConcurrentHashMap<>();
			updated.values().removeIf((registered) -> !registered.isAfter(ended));
			updated.put(session, now);
			return updated;
		});
	}

	private void remove(String key, SessionKey session) {
		this.sessions.asMap().computeIfPresent(key, (k, sessions) -> {
			sessions.remove(session);
			return sessions.isEmpty() ? null : sessions;
		});
	}

	private Set<SessionKey> find(String key) {
		return find(key, Instant.MAX);
	}

	private Set<SessionKey> find(String key, Instant registeredBy) {
		Map<SessionKey, Instant> sessions = this.sessions.getIfPresent(key);
		if (sessions == null) {
			return Set.of();
		}
		return sessions.entrySet()
			.stream()
			.filter((session) -> !session.getValue().isAfter(registeredBy))
			.map(Map.Entry::getKey)
			.collect(Collectors.toUnmodifiableSet());
	}

	static String sidKey(String sid) {
		return "sid:" + sid;
	}

	static String subKey(String sub) {
		return "sub:" + sub;
	}

}
