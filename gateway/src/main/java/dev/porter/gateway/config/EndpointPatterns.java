package dev.porter.gateway.config;

import java.util.List;
import java.util.stream.Stream;

import dev.porter.gateway.devices.SessionsEndpoints;
import dev.porter.gateway.login.LoginSecurity;
import dev.porter.gateway.logout.LogoutSecurity;
import dev.porter.gateway.routing.RelayedPaths;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Names, in {@code http.server.requests}, the endpoint of each request that no handler
 * mapping names: the relayed paths (the {@code RelayHandler} answers them at the end of
 * the server's filter chain), the login, callback and logout endpoints (Spring Security's
 * filters answer them), and the sessions' endpoints when the security chain refuses a
 * request before their controller's mapping is reached. WebFlux's handler mappings name
 * the pattern of every other request; these were all {@code uri="UNKNOWN"} or
 * {@code "REDIRECTION"}, so an operator could not tell {@code GET /me} from
 * {@code PATCH /me/metadata}, nor a refused login from a refused logout. Named first,
 * before any filter can answer, so that a request refused on its way (a 401, a 403
 * without the CSRF token, a 429) is named too. The pattern, never the path: the client
 * chooses the path, and one series per path sent would grow the metrics without bound. A
 * request on none of these paths that is refused before a handler is chosen (the
 * firewall's 400) stays {@code UNKNOWN}, as in any WebFlux application.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class EndpointPatterns implements WebFilter {

	/**
	 * In the order they are tried: the first that matches names the request. The
	 * sessions' endpoints have a controller, whose mapping names what it answers; named
	 * here too for what the security chain refuses before it (a 401, a 403 without the
	 * CSRF token), under the same patterns.
	 */
	private static final List<PathPattern> PATTERNS = Stream
		.of(RelayedPaths.PATTERNS, LoginSecurity.ENDPOINTS, List.of(LogoutSecurity.ENDPOINT),
				SessionsEndpoints.PATTERNS)
		.flatMap(List::stream)
		.map(PathPatternParser.defaultInstance::parse)
		.toList();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerRequestObservationContext.findCurrent(exchange.getAttributes()).ifPresent((observation) -> {
			PathPattern pattern = matching(exchange.getRequest().getPath().pathWithinApplication());
			if (pattern != null) {
				observation.setPathPattern(pattern.getPatternString());
			}
		});
		return chain.filter(exchange);
	}

	private static @Nullable PathPattern matching(PathContainer path) {
		for (PathPattern pattern : PATTERNS) {
			if (pattern.matches(path)) {
				return pattern;
			}
		}
		return null;
	}

}
