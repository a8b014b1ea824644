package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;

/**
 * Applies the idle timeout to every session (in memory or in Redis alike) and ends a
 * session whose absolute lifetime since login has passed, before the security chain reads
 * the login from it. A session that goes idle cannot be ended so: no request of it comes,
 * and its refresh token stays valid at the IdP until the IdP's own expiry (README).
 * <p>
 * The idle timeout set here is what the session is written back with; whether it has
 * already idled out was decided as it was read, by the shorter of the one it was stored
 * with and the gateway's (in Redis, {@link SessionCodec}).
 */
@Component
@Order(-200) // ahead of Spring Security's WebFilterChainProxy (-100)
class SessionLifetimeWebFilter implements WebFilter {

	private final SessionProperties properties;

	private final ExpiredSessionEnder ender;

	private final Clock clock;

	@Autowired
	SessionLifetimeWebFilter(SessionProperties properties, ExpiredSessionEnder ender, ObjectProvider<Clock> clock) {
		this(properties, ender, clock.getIfAvailable(Clock::systemUTC));
	}

	SessionLifetimeWebFilter(SessionProperties properties, ExpiredSessionEnder ender, Clock clock) {
		this.properties = properties;
		this.ender = ender;
		this.clock = clock;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return exchange.getSession().flatMap(this::apply).then(chain.filter(exchange));
	}

	private Mono<Void> apply(WebSession session) {
		if (!session.isStarted()) {
			return Mono.empty();
		}
		if (!session.getMaxIdleTime().equals(this.properties.idleTimeout())) {
			session.setMaxIdleTime(this.properties.idleTimeout());
		}
		return isPastAbsoluteLifetime(session) ? end(session) : Mono.empty();
	}

	/**
	 * Ended as a session is ended from outside, so that its refresh token is revoked and
	 * the registry forgets it; then the request's own copy is emptied and invalidated,
	 * and the request goes on anonymous. Emptied first: with Redis each request holds a
	 * copy of its own, which invalidating deletes from the store but leaves holding the
	 * login the security chain would read.
	 */
	private Mono<Void> end(WebSession session) {
		return this.ender.endExpired(SessionKey.of(session.getId())).then(Mono.defer(() -> {
			session.getAttributes().clear();
			return session.invalidate();
		}));
	}

	private boolean isPastAbsoluteLifetime(WebSession session) {
		Instant end = absoluteEnd(session, this.properties.absoluteLifetime());
		return !this.clock.instant().isBefore(end);
	}

	/**
	 * When the session ends however active it is: the absolute lifetime after login, or
	 * after its creation when it holds no login time.
	 */
	static Instant absoluteEnd(WebSession session, Duration absoluteLifetime) {
		Object loginAt = session.getAttributes().get(SessionAttributes.AUTHENTICATED_AT);
		Instant start = (loginAt instanceof Long millis) ? Instant.ofEpochMilli(millis) : session.getCreationTime();
		return start.plus(absoluteLifetime);
	}

}
