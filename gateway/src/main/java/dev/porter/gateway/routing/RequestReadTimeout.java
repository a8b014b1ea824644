package dev.porter.gateway.routing;

import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Bounds the time a request body may take to arrive. Without it, a client that declares a
 * longer body than it sends holds its request, and the memory and connection it uses,
 * until the TCP connection dies (over 70 s measured). Reactor Netty enforces it on the
 * connection's own event loop: the body's reader sees an error (the relay answers 408,
 * {@link RelayBodyFilter}) and the connection is closed, as RFC 9110 asks after a 408.
 */
@Component
class RequestReadTimeout implements NettyServerCustomizer {

	private final RequestProperties properties;

	RequestReadTimeout(RequestProperties properties) {
		this.properties = properties;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.requestTimeout(this.properties.readTimeout());
	}

}
