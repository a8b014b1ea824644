package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.web.server.WebSession;

/**
 * The in-memory session store, whose sessions' own writes fail once when armed, as Redis
 * does on a command timeout, and are not carried out: the save of a signed-in session (at
 * a login, the write that follows the change of its id, which stored it already), and an
 * invalidation (Redis's {@code DEL}: the request's session counts as ended, the stored
 * one stays, as with Spring Session). {@code @Import} it into a
 * {@code GatewayTestSupport} test and reset it after each test.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SessionSaveHiccups {

	public final AtomicBoolean signedInSave = new AtomicBoolean();

	public final AtomicBoolean invalidate = new AtomicBoolean();

	/** No failure armed. */
	public void reset() {
		this.signedInSave.set(false);
		this.invalidate.set(false);
	}

	@Bean
	@Primary
	KeyedInMemoryWebSessionStore hiccuppingSessionStore(SessionProperties properties, ObjectProvider<Clock> clock) {
		KeyedInMemoryWebSessionStore store = new KeyedInMemoryWebSessionStore() {

			@Override
			public Mono<WebSession> createWebSession() {
				return super.createWebSession().map(Hiccupping::new);
			}

			@Override
			public Mono<WebSession> retrieveSession(String id) {
				return super.retrieveSession(id).map(Hiccupping::new);
			}

			@Override
			public Mono<WebSession> updateLastAccessTime(WebSession session) {
				return super.updateLastAccessTime((session instanceof Hiccupping held) ? held.session : session);
			}

		};
		store.setMaxSessions(properties.max());
		store.setDefaultMaxIdleTime(properties.idleTimeout());
		store.setClock(clock.getIfAvailable(Clock::systemUTC));
		return store;
	}

	private static Mono<Void> timedOut() {
		return Mono.error(new QueryTimeoutException("Redis command timed out"));
	}

	/** A request's session, whose writes fail when armed. */
	private final class Hiccupping implements WebSession {

		private final WebSession session;

		private volatile boolean invalidated;

		Hiccupping(WebSession session) {
			this.session = session;
		}

		@Override
		public Mono<Void> save() {
			return Mono.defer(() -> (LoginTokens.in(this.session) != null
					&& SessionSaveHiccups.this.signedInSave.getAndSet(false)) ? timedOut() : this.session.save());
		}

		@Override
		public Mono<Void> invalidate() {
			return Mono.defer(() -> {
				if (!SessionSaveHiccups.this.invalidate.getAndSet(false)) {
					return this.session.invalidate();
				}
				this.invalidated = true;
				return timedOut();
			});
		}

		@Override
		public String getId() {
			return this.session.getId();
		}

		@Override
		public Map<String, Object> getAttributes() {
			return this.session.getAttributes();
		}

		@Override
		public void start() {
			this.session.start();
		}

		@Override
		public boolean isStarted() {
			return this.session.isStarted();
		}

		@Override
		public Mono<Void> changeSessionId() {
			return this.session.changeSessionId();
		}

		@Override
		public boolean isExpired() {
			return this.invalidated || this.session.isExpired();
		}

		@Override
		public Instant getCreationTime() {
			return this.session.getCreationTime();
		}

		@Override
		public Instant getLastAccessTime() {
			return this.session.getLastAccessTime();
		}

		@Override
		public void setMaxIdleTime(Duration maxIdleTime) {
			this.session.setMaxIdleTime(maxIdleTime);
		}

		@Override
		public Duration getMaxIdleTime() {
			return this.session.getMaxIdleTime();
		}

	}

}
