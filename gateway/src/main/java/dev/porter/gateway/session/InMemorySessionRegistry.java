package dev.porter.gateway.session;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.gateway.cache.Caches;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The registry of one gateway process. Entries expire with the sessions' absolute
 * lifetime, so sessions that simply timed out do not accumulate.
 */
class InMemorySessionRegistry implements SessionRegistry {

	private final Cache<String, Set<SessionKey>> sessions;

	InMemorySessionRegistry(Duration entryLifetime) {
		this.sessions = Caches.newBuilder().expireAfterWrite(entryLifetime).build();
	}

	@Override
	public Mono<Void> register(SessionKey session, @Nullable String sid, @Nullable String sub) {
		return Mono.fromRunnable(() -> {
			if (sid != null) {
				add(sidKey(sid), session);
			}
			if (sub != null) {
				add(subKey(sub), session);
			}
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

	private void add(String key, SessionKey session) {
		this.sessions.asMap().compute(key, (k, sessions) -> {
			Set<SessionKey> updated = (sessions != null) ? sessions : ConcurrentHashMap.newKeySet();
			updated.add(session);
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
		Set<SessionKey> sessions = this.sessions.getIfPresent(key);
		return (sessions != null) ? Set.copyOf(sessions) : Set.of();
	}

	static String sidKey(String sid) {
		return "sid:" + sid;
	}

	static String subKey(String sub) {
		return "sub:" + sub;
	}

}
