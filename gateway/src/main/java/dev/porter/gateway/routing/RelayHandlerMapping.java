package dev.porter.gateway.routing;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Sends {@code /me} and {@code /me/**} to the {@link RelayHandler}, ahead of every other
 * handler mapping.
 */
final class RelayHandlerMapping extends AbstractHandlerMapping {

	private final WebHandler relay;

	RelayHandlerMapping(WebHandler relay) {
		this.relay = relay;
		setOrder(Ordered.HIGHEST_PRECEDENCE);
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		return RelayedPaths.matches(exchange.getRequest().getPath().pathWithinApplication()) ? Mono.just(this.relay)
				: Mono.empty();
	}

}
