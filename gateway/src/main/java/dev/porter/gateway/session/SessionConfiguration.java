package dev.porter.gateway.session;

import java.time.Clock;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.redis.RedisEnabled;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionIdResolver;
import org.springframework.web.server.session.WebSessionManager;

/**
 * The session cookie: an opaque id only, {@code HttpOnly}, {@code SameSite=Lax},
 * {@code Path=/}, named and {@code Secure} as {@link SessionCookie} decides. Both Boot's
 * in-memory session manager and Spring Session's Redis one pick this resolver up. Only a
 * signed-in browser has a session: a started login lives in its own cookie
 * (login.CookieServerAuthorizationRequestRepository). Also the directory of signed-in
 * sessions by user (behind {@code GET /bff/sessions}), the filter that keeps their last
 * use, and the registry logout looks sessions up in.
 */
@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

	@Bean
	SessionCookie sessionCookie(SessionProperties properties, BffProperties bff) {
		return SessionCookie.of(properties, bff);
	}

	@Bean
	WebSessionIdResolver webSessionIdResolver(SessionCookie sessionCookie) {
		CookieWebSessionIdResolver resolver = new SessionIdCookies();
		resolver.setCookieName(sessionCookie.name());
		// The cookie lives as long as the browser does; only the server ends a session,
		// when its idle timeout or its absolute lifetime is reached.
		resolver.addCookieInitializer(
				(cookie) -> cookie.httpOnly(true).secure(sessionCookie.secure()).sameSite("Lax").path("/"));
		return resolver;
	}

	/**
	 * Without Redis: sessions in memory, at most {@code SESSION_MAX} of them. Replaces
	 * Boot's manager (found by name), whose store has a fixed limit.
	 */
	@Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
	@Conditional(RedisEnabled.Not.class)
	WebSessionManager webSessionManager(WebSessionIdResolver resolver, InMemoryWebSessionStore store) {
		DefaultWebSessionManager manager = new DefaultWebSessionManager();
		manager.setSessionIdResolver(resolver);
		manager.setSessionStore(store);
		return manager;
	}

	@Bean
	@Conditional(RedisEnabled.Not.class)
	KeyedInMemoryWebSessionStore inMemoryWebSessionStore(SessionProperties properties, ObjectProvider<Clock> clock) {
		KeyedInMemoryWebSessionStore store = new KeyedInMemoryWebSessionStore();
		store.setMaxSessions(properties.max());
		store.setDefaultMaxIdleTime(properties.idleTimeout());
		// The idle timeout is decided on the gateway's clock, like the absolute lifetime.
		store.setClock(clock.getIfAvailable(Clock::systemUTC));
		return store;
	}

	@Bean
	@Conditional(RedisEnabled.Not.class)
	StoredSessions inMemoryStoredSessions(KeyedInMemoryWebSessionStore store) {
		return new InMemoryStoredSessions(store);
	}

	@Bean
	@Conditional(RedisEnabled.Not.class)
	SessionCapacity inMemorySessionCapacity(InMemoryWebSessionStore store) {
		return new InMemorySessionCapacity(store);
	}

	@Bean
	@Conditional(RedisEnabled.class)
	SessionCapacity redisSessionCapacity() {
		return () -> true;
	}

	@Bean
	@Conditional(RedisEnabled.Not.class)
	SessionDirectory inMemorySessionDirectory(SessionProperties properties, ObjectProvider<Clock> clock) {
		// Room for every session the store holds, and as many ended ones kept until their
		// retention ends; per user, as many ended ones as live ones at most.
		return new InMemorySessionDirectory(SessionDirectoryRetention.of(properties), 2L * properties.max(),
				2 * properties.maxPerUser(), clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	@Conditional(RedisEnabled.class)
	SessionDirectory redisSessionDirectory(ReactiveStringRedisTemplate redis, SessionProperties properties) {
		return new RedisSessionDirectory(redis, SessionDirectoryRetention.of(properties));
	}

	/**
	 * Which sessions belong to an IdP session ({@code sid}) or user ({@code sub}), for
	 * logout: in memory without Redis, shared through Redis otherwise.
	 */
	@Bean
	@Conditional(RedisEnabled.Not.class)
	SessionRegistry sessionRegistry(SessionProperties sessions, ObjectProvider<Clock> clock) {
		return new InMemorySessionRegistry(sessions.absoluteLifetime(), clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	@Conditional(RedisEnabled.class)
	SessionRegistry redisSessionRegistry(ReactiveStringRedisTemplate redis, SessionProperties sessions,
			ObjectProvider<Clock> clock) {
		return new RedisSessionRegistry(redis, sessions.absoluteLifetime(), clock.getIfAvailable(Clock::systemUTC));
	}

	/** After the lifetime filter (-200): a session it just ended is not touched. */
	@Bean
	@Order(-190)
	LastSeenWebFilter lastSeenWebFilter(SessionDirectory directory, SessionProperties properties,
			ObjectProvider<Clock> clock) {
		return new LastSeenWebFilter(directory, SessionDirectoryRetention.of(properties),
				clock.getIfAvailable(Clock::systemUTC));
	}

}
