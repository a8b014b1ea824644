package dev.porter.gateway.routing;

import dev.porter.common.IdleConnectionHandler;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Closes a connection that has carried no request for the gateway to work on for
 * {@code CONNECTION_IDLE_TIMEOUT}: one that sent nothing since it opened or since its
 * last answer, one whose request head has not come in whole by then, and one still
 * sending the body of a request already answered. Without it (Boot's default is no limit)
 * anyone could hold thousands of connections open, each a file descriptor and its
 * buffers, by sending nothing, a header line now and then, or a huge body a byte at a
 * time after a 401, until the gateway could accept no more.
 * <p>
 * common's {@link IdleConnectionHandler} does it, one per connection, behind the HTTP
 * codec (so header lines trickled in do not count, nor pieces of an answered body). It
 * closes without an answer, as nginx and Go do past their header timeouts: a client that
 * has begun no request expects none, and a keep-alive client retries on a fresh
 * connection. A request being worked on is not cut: its body has
 * {@link RequestReadTimeout}, its answer the relay's response timeout.
 */
@Component
class IdleConnections implements NettyServerCustomizer {

	private final RequestProperties properties;

	IdleConnections(RequestProperties properties) {
		this.properties = properties;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return IdleConnectionHandler.closeIdleConnections(server, this.properties.connectionIdleTimeout());
	}

}
