package dev.porter.gateway.routing;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * Sends {@code /me} and {@code /me/**} to the {@link RelayHandler}, ahead of every other
 * handler mapping. The gateway's server does not come this way: its filter chain ends in
 * the relay itself (config's {@code FilterChainConfiguration}). This is the way for a
 * handler assembled from the application context without Boot's customizers, as
 * {@code WebTestClient.bindToApplicationContext} does, so that the relay answers there
 * too.
 */
final class RelayHandlerMapping extends AbstractHandlerMapping {

	private final RelayHandler relay;

	RelayHandlerMapping(RelayHandler relay) {
		this.relay = relay;
		setOrder(Ordered.HIGHEST_PRECEDENCE);
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		return this.relay.relays(exchange) ? Mono.just(this.relay) : Mono.empty();
	}

}
