package dev.porter.gateway.problem;

import reactor.core.publisher.Mono;

import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;

/**
 * How the problem of a request that failed reaches its client, when a filter on the
 * request's way asked for another answer than the problem+json body: the login sends a
 * person's own "Sign in" back to the SPA instead ({@code login.LoginRefusal}).
 * {@link ProblemExceptionHandler} still works out the problem and logs the failure, as
 * for any request, and then hands the problem over.
 */
@FunctionalInterface
public interface ProblemAnswer {

	/** The exchange attribute that holds the answer a filter asked for. */
	String ATTRIBUTE = ProblemAnswer.class.getName();

	Mono<Void> answer(ServerWebExchange exchange, ProblemDetail problem);

	/** Asks that the problem of any failure of {@code exchange} be answered so. */
	static void use(ServerWebExchange exchange, ProblemAnswer answer) {
		exchange.getAttributes().put(ATTRIBUTE, answer);
	}

}
