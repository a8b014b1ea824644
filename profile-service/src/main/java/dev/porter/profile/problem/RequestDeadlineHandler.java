package dev.porter.profile.problem;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Writes the 503 of a request whose deadline passed: it leaves the filter chain (the
 * deadline covers the token check too), where the controller advice never sees it.
 */
@Component
@Order(-2)
class RequestDeadlineHandler implements WebExceptionHandler {

	private final ProblemWriter writer;

	RequestDeadlineHandler(JsonMapper mapper) {
		this.writer = new ProblemWriter(mapper);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (!(ex instanceof RequestDeadlinePassedException late) || exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		exchange.getResponse().getHeaders().addAll(late.getHeaders());
		return this.writer.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, late.getBody());
	}

}
