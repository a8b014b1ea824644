package dev.porter.gateway.config;

import java.time.Clock;

import dev.porter.common.DateHeaderHandler;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Dates every answer of the gateway by its clock (common {@link DateHeaderHandler}),
 * relayed ones included: the gateway is the origin the browser talks to, and a relayed
 * answer brings none of profile-service's headers but those
 * {@code routing.RelayedAnswerHeaders} lists, so it carries one {@code Date}, the
 * gateway's.
 */
@Component
class DateHeaders implements NettyServerCustomizer {

	private final Clock clock;

	DateHeaders(ObjectProvider<Clock> clock) {
		this.clock = clock.getIfAvailable(Clock::systemUTC);
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return DateHeaderHandler.dateAnswers(server, this.clock);
	}

}
