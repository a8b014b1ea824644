package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.gateway.cache.Caches;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

/**
 * Boot's in-memory store, which knows sessions by id, that also finds them by
 * {@link SessionKey} in constant time ({@link InMemoryStoredSessions}). Without the
 * index, each lookup hashed every id held; a list of a user's sessions looks up each one,
 * so one user with hundreds of sessions cost every user seconds of an event loop.
 * <p>
 * An id comes to be in two ways only: a new session, and
 * {@link WebSession#changeSessionId a changed id} (at login). The sessions this store
 * hands out note both in the index, hashing each id once. The index holds the stored
 * sessions weakly: a session the store dropped (expired, ended) leaves it once no request
 * holds it, and a lookup checks that the session found is still the one stored under that
 * key.
 */
class KeyedInMemoryWebSessionStore extends InMemoryWebSessionStore {

	private final Cache<SessionKey, WebSession> byKey = Caches.newBuilder().weakValues().build();

	/** The session of this key, expired or not; {@code null} when the store has none. */
	@Nullable WebSession find(SessionKey key) {
		WebSession session = this.byKey.getIfPresent(key);
		if (session == null) {
			return null;
		}
		String id = session.getId();
		Map<String, WebSession> sessions = getSessions();
		if (sessions.get(id) != session || !SessionKey.of(id).equals(key)) {
			// Its id changed (indexed under its new key), or it left the store.
			this.byKey.asMap().remove(key, session);
			return null;
		}
		return session;
	}

	@Override
	public Mono<WebSession> createWebSession() {
		return super.createWebSession().map((session) -> new IndexedSession(session, true));
	}

	@Override
	public Mono<WebSession> retrieveSession(String id) {
		return super.retrieveSession(id).map((session) -> new IndexedSession(session, false));
	}

	@Override
	public Mono<WebSession> updateLastAccessTime(WebSession session) {
		return super.updateLastAccessTime((session instanceof IndexedSession indexed) ? indexed.stored : session);
	}

	private void index(WebSession stored) {
		this.byKey.put(SessionKey.of(stored.getId()), stored);
	}

	/**
	 * The stored session as a request holds it: every call goes to the stored one, and a
	 * new id is indexed as it comes to be (a new session's when first saved, not before:
	 * an anonymous request's session is never saved).
	 */
	private final class IndexedSession implements WebSession {

		private final WebSession stored;

		private boolean unindexed;

		IndexedSession(WebSession stored, boolean unindexed) {
			this.stored = stored;
			this.unindexed = unindexed;
		}

		@Override
		public String getId() {
			return this.stored.getId();
		}

		@Override
		public Map<String, Object> getAttributes() {
			return this.stored.getAttributes();
		}

		@Override
		public void start() {
			this.stored.start();
		}

		@Override
		public boolean isStarted() {
			return this.stored.isStarted();
		}

		@Override
		public Mono<Void> changeSessionId() {
			return this.stored.changeSessionId().then(Mono.fromRunnable(() -> {
				this.unindexed = false;
				index(this.stored);
			}));
		}

		@Override
		public Mono<Void> invalidate() {
			return this.stored.invalidate();
		}

		@Override
		public Mono<Void> save() {
			return this.stored.save().then(Mono.fromRunnable(() -> {
				if (this.unindexed && this.stored.isStarted()) {
					this.unindexed = false;
					index(this.stored);
				}
			}));
		}

		@Override
		public boolean isExpired() {
			return this.stored.isExpired();
		}

		@Override
		public Instant getCreationTime() {
			return this.stored.getCreationTime();
		}

		@Override
		public Instant getLastAccessTime() {
			return this.stored.getLastAccessTime();
		}

		@Override
		public void setMaxIdleTime(Duration maxIdleTime) {
			this.stored.setMaxIdleTime(maxIdleTime);
		}

		@Override
		public Duration getMaxIdleTime() {
			return this.stored.getMaxIdleTime();
		}

	}

}
