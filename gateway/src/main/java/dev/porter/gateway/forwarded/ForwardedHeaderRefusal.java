package dev.porter.gateway.forwarded;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

/**
 * A request whose forwarding header, from a trusted proxy, cannot be read: a port that is
 * no number, a host or scheme that no URI holds, a host that would change the path. It
 * goes on without its forwarding headers, as from the peer, to be refused by
 * {@link MalformedForwardedHeaderWebFilter} naming the header. WebFlux answers a
 * transformer's failure with an empty {@code 400} before any filter runs: no problem, no
 * metric, no log above DEBUG.
 */
final class ForwardedHeaderRefusal extends ServerHttpRequestDecorator {

	private final String header;

	ForwardedHeaderRefusal(ServerHttpRequest withoutForwardedHeaders, String header) {
		super(withoutForwardedHeaders);
		this.header = header;
	}

	/** The forwarding header {@code request} is refused for; {@code null} when none. */
	static @Nullable String header(ServerHttpRequest request) {
		return (request instanceof ForwardedHeaderRefusal refusal) ? refusal.header : null;
	}

}
