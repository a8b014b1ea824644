package dev.porter.profile.config;

import dev.porter.common.IdleConnectionHandler;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Closes a connection that has carried no request for the service to work on for
 * {@code CONNECTION_IDLE_TIMEOUT}: one that sent nothing since it opened or since its
 * last answer, one whose request head has not come in whole by then, and one still
 * sending the body of a request already answered. Without it (Boot's default is no limit)
 * anyone who reaches the port could hold thousands of connections open, by sending
 * nothing, a header line now and then, or a huge body a byte at a time after a 401, until
 * the service could accept no more, the gateway's relay included.
 * <p>
 * Common's {@link IdleConnectionHandler} does it, behind the HTTP codec (so header lines
 * trickled in do not count, nor pieces of an answered body), and closes without an
 * answer. The timeout must stay above the 10 s for which the gateway keeps an idle
 * connection to this service in its pool: the gateway then always lets go first, and
 * never relays a request on a connection this service is closing.
 */
@Component
class IdleConnections implements NettyServerCustomizer {

	private final ConnectionProperties properties;

	IdleConnections(ConnectionProperties properties) {
		this.properties = properties;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return IdleConnectionHandler.closeIdleConnections(server, this.properties.idleTimeout());
	}

}
