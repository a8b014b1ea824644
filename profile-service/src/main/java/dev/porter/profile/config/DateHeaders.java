package dev.porter.profile.config;

import java.time.Clock;

import dev.porter.common.DateHeaderHandler;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Dates every answer of the service by its clock (common {@link DateHeaderHandler}):
 * Reactor Netty sends none. The gateway relays none of it: the browser gets the
 * gateway's.
 */
@Component
class DateHeaders implements NettyServerCustomizer {

	private final Clock clock;

	DateHeaders(Clock clock) {
		this.clock = clock;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return DateHeaderHandler.dateAnswers(server, this.clock);
	}

}
