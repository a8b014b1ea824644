package dev.porter.profile.problem;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Writes the 503 of a request whose deadline passed, or the 408 of one whose body was
 * still arriving then: they leave the filter chain (the deadline covers the token check
 * too), where the controller advice never sees them.
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
		boolean late = ex instanceof RequestDeadlinePassedException || ex instanceof RequestBodyTimeoutException;
		if (!late || exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		ErrorResponseException answer = (ErrorResponseException) ex;
		exchange.getResponse().getHeaders().addAll(answer.getHeaders());
		return this.writer.write(exchange, HttpStatus.valueOf(answer.getStatusCode().value()), answer.getBody());
	}

}
