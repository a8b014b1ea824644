package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.gateway.cache.Caches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;

/**
 * Writes when a signed-in session was last used to the {@link SessionDirectory}, at most
 * once a touch interval per session and gateway: a session in use costs the directory one
 * write a minute, not one per request. Best effort: a directory that cannot be written
 * never fails the request (the store's own failure shows elsewhere).
 */
class LastSeenWebFilter implements WebFilter {

	/** More sessions than one gateway serves within a touch interval. */
	private static final int MAX_TRACKED = 100_000;

	private static final Logger log = LoggerFactory.getLogger(LastSeenWebFilter.class);

	private final SessionDirectory directory;

	private final Clock clock;

	/** The sessions this gateway touched within the last touch interval. */
	private final Cache<String, Instant> recentlyTouched;

	LastSeenWebFilter(SessionDirectory directory, SessionDirectoryRetention retention, Clock clock) {
		this.directory = directory;
		this.clock = clock;
		this.recentlyTouched = Caches.newBuilder()
			.ticker(Caches.ticker(clock))
			.expireAfterWrite(retention.touchInterval())
			.maximumSize(MAX_TRACKED)
			.build();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return exchange.getSession()
			.filter(LastSeenWebFilter::isSignedIn)
			.flatMap(this::touch)
			.then(chain.filter(exchange));
	}

	private Mono<Void> touch(WebSession session) {
		Instant now = this.clock.instant();
		if (this.recentlyTouched.asMap().putIfAbsent(session.getId(), now) != null) {
			return Mono.empty();
		}
		return this.directory.seen(SessionKey.of(session.getId()), now).onErrorResume((ex) -> {
			log.debug("last use of a session not recorded: {}", ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	/**
	 * By the attribute's value, not {@code containsKey}: Spring Session's map answers
	 * that from a copy of the session's attribute names, made on every request in Redis
	 * mode.
	 */
	private static boolean isSignedIn(WebSession session) {
		return session.isStarted() && session.getAttribute(SessionAttributes.AUTHENTICATED_AT) != null;
	}

}
