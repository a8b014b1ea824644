package dev.porter.gateway.problem;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Turns every exception that reaches the web layer into a problem, ahead of Boot's error
 * handler (order -1), so errors from controllers, the security chain and the gateway's
 * proxy all look the same and none shows a stack trace or an exception message. A filter
 * may ask for another answer to the problem of its requests ({@link ProblemAnswer}).
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	private final ProblemWriter writer;

	private final StoreFailures storeFailures;

	ProblemExceptionHandler(ProblemWriter writer, StoreFailures storeFailures) {
		this.writer = writer;
		this.storeFailures = storeFailures;
	}

	/**
	 * Answers {@code ex}'s problem, or the store's when the answer cannot be given
	 * because the session cannot be saved: Spring saves a session that holds a change as
	 * the answer commits, and a Redis that refused the request's writes (full, say)
	 * refuses that one too. Its failure would otherwise reach Boot's handler, a
	 * {@code 500} in Boot's own JSON with a stack trace. The second answer is written
	 * without saving the session again: Spring runs the commit's actions once.
	 */
	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		return answer(exchange, ex).onErrorResume(
				(saveFailure) -> !exchange.getResponse().isCommitted() && StoreFailures.isStoreFailure(saveFailure),
				(saveFailure) -> storeUnavailable(exchange, saveFailure));
	}

	private Mono<Void> answer(ServerWebExchange exchange, Throwable ex) {
		// A problem raised on purpose (e.g. by the refresh lock) keeps its answer.
		if (!(ex instanceof ErrorResponse) && StoreFailures.isStoreFailure(ex)) {
			return storeUnavailable(exchange, ex);
		}
		// e.g. Allow on a 405; never a header carrying request input
		HttpHeaders headers = (ex instanceof ErrorResponse error) ? error.getHeaders() : HttpHeaders.EMPTY;
		return deliver(exchange, problemFor(exchange, ex), headers);
	}

	private Mono<Void> storeUnavailable(ServerWebExchange exchange, Throwable failure) {
		this.storeFailures.record(failure);
		return deliver(exchange, Problems.upstreamUnavailable("session store", StoreFailures.RETRY_AFTER),
				HttpHeaders.EMPTY);
	}

	/**
	 * As a filter on the request's way asked ({@link ProblemAnswer}), which writes what
	 * headers it needs; otherwise the problem, with the error's own headers.
	 */
	private Mono<Void> deliver(ServerWebExchange exchange, ProblemDetail problem, HttpHeaders headers) {
		ProblemAnswer asked = exchange.getAttribute(ProblemAnswer.ATTRIBUTE);
		if (asked != null) {
			return asked.answer(exchange, problem);
		}
		exchange.getResponse().getHeaders().addAll(headers);
		return this.writer.write(exchange, problem);
	}

	private static ProblemDetail problemFor(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof ErrorResponse error) {
			ProblemDetail body = error.getBody();
			// Framework problems (404, 405, 415, ...) carry no type of ours, often none
			// at all, and a detail that could echo request input; problems the gateway
			// raised itself carry their own type.
			URI type = body.getType();
			return (type != null && type.toString().startsWith("https://porter.example/")) ? body
					: Problems.forStatus(error.getStatusCode());
		}
		// the path only (never the query) and the failure without its messages
		log.error("unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
				RedactedFailure.of(ex));
		return Problems.forStatus(HttpStatusCode.valueOf(500));
	}

}
