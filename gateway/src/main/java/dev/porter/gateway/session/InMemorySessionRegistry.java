package dev.porter.gateway.session;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The registry of one gateway process. Entries expire with the sessions' absolute
 * lifetime, so sessions that simply timed out do not accumulate.
 */
class InMemorySessionRegistry implements SessionRegistry {

	private final Cache<String, Set<String>> sessions;

	InMemorySessionRegistry(Duration entryLifetime) {
		this.sessions = Caffeine.newBuilder().expireAfterWrite(entryLifetime).build();
	}

	@Override
	public Mono<Void> register(String sessionId, @Nullable String sid, String sub) {
		return Mono.fromRunnable(() -> {
			if (sid != null) {
				add(sidKey(sid), sessionId);
			}
			add(subKey(sub), sessionId);
		});
	}

	@Override
	public Mono<Void> unregister(String sessionId, @Nullable String sid, String sub) {
		return Mono.fromRunnable(() -> {
			if (sid != null) {
				remove(sidKey(sid), sessionId);
			}
			remove(subKey(sub), sessionId);
		});
	}

	@Override
	public Mono<Set<String>> takeBySid(String sid) {
		return Mono.fromSupplier(() -> take(sidKey(sid)));
	}

	@Override
	public Mono<Set<String>> takeBySub(String sub) {
		return Mono.fromSupplier(() -> take(subKey(sub)));
	}

	private void add(String key, String sessionId) {
		this.sessions.asMap().compute(key, (k, ids) -> {
			Set<String> updated = (ids != null) ? ids : ConcurrentHashMap.newKeySet();
			updated.add(sessionId);
			return updated;
		});
	}

	private void remove(String key, String sessionId) {
		this.sessions.asMap().computeIfPresent(key, (k, ids) -> {
			ids.remove(sessionId);
			return ids.isEmpty() ? null : ids;
		});
	}

	private Set<String> take(String key) {
		Set<String> ids = this.sessions.asMap().remove(key);
		return (ids != null) ? Set.copyOf(ids) : Set.of();
	}

	static String sidKey(String sid) {
		return "sid:" + sid;
	}

	static String subKey(String sub) {
		return "sub:" + sub;
	}

}
