package dev.porter.gateway.routing;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Sends {@code /me} and {@code /me/**} to the {@link RelayHandler}, ahead of every other
 * handler mapping.
 */
final class RelayHandlerMapping extends AbstractHandlerMapping {

	private final List<PathPattern> patterns = RelayedPaths.PATTERNS.stream()
		.map(PathPatternParser.defaultInstance::parse)
		.toList();

	private final WebHandler relay;

	RelayHandlerMapping(WebHandler relay) {
		this.relay = relay;
		setOrder(Ordered.HIGHEST_PRECEDENCE);
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		for (PathPattern pattern : this.patterns) {
			if (pattern.matches(path)) {
				return Mono.just(this.relay);
			}
		}
		return Mono.empty();
	}

}
