package dev.porter.gateway.login;

import java.time.Clock;
import java.time.Duration;

import dev.porter.common.OncePerInterval;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.session.FreshSession;
import dev.porter.gateway.session.SessionCapacity;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.StoredSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;

/**
 * The callback is where a browser without a session gets one. When the session store is
 * full, the login fails before the code is exchanged — rather than with a 500 from the
 * store when the response is committed — the browser landing on {@code /?login=failed}
 * ({@link LoginRefusal}); the log says so at most once a minute, with how many logins it
 * turned away. Sessions already signed in are untouched.
 */
class LoginCapacityWebFilter implements WebFilter {

	static final Duration RETRY_AFTER = Duration.ofMinutes(1);

	private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(LoginCapacityWebFilter.class);

	private static final ServerWebExchangeMatcher CALLBACK = ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET,
			LoginPaths.CALLBACK);

	private final SessionCapacity capacity;

	private final LoginRefusal refusal;

	private final OncePerInterval refused;

	private final StoredSessions sessions;

	LoginCapacityWebFilter(SessionCapacity capacity, StoredSessions sessions, LoginRefusal refusal, Clock clock) {
		this.capacity = capacity;
		this.sessions = sessions;
		this.refusal = refusal;
		this.refused = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return CALLBACK.matches(exchange)
			.flatMap((match) -> match.isMatch()
					? exchange.getSession().flatMap((session) -> cannotStart(exchange, session)) : Mono.just(false))
			.flatMap((full) -> full ? refuse(exchange) : chain.filter(exchange));
	}

	/**
	 * A browser that is signed in already needs no more room: the login ends the session
	 * it presented (see {@code session.FreshSession}) before its new one is stored.
	 */
	private Mono<Boolean> cannotStart(ServerWebExchange exchange, WebSession session) {
		if (session.isStarted() || this.capacity.hasRoomForNewSession()) {
			return Mono.just(false);
		}
		return Flux.fromIterable(FreshSession.presented(exchange))
			.concatMap((id) -> this.sessions.isLive(SessionKey.of(id)))
			.any(Boolean::booleanValue)
			.map((replacesOne) -> !replacesOne);
	}

	private Mono<Void> refuse(ServerWebExchange exchange) {
		long count = this.refused.count();
		if (count > 0) {
			log.warn("session store full: refused {} login(s) since the last report; raise SESSION_MAX or wait for "
					+ "idle sessions to expire", count);
		}
		return this.refusal.refuse(exchange, Problems.sessionStoreFull(RETRY_AFTER));
	}

}
