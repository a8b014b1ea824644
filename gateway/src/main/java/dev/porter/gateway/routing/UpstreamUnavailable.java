package dev.porter.gateway.routing;

import java.time.Duration;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;

/**
 * The relay's answer when the upstream is out of reach: a 503 problem with
 * {@code Retry-After}, instead of Spring Cloud Gateway's 500 or 504. A change (an unsafe
 * method) sent in full before the failure may have been applied, and its answer says so,
 * as profile-service's own answer for such a change does; one that never left the gateway
 * (connection refused, circuit open) gets the plain answer.
 */
final class UpstreamUnavailable {

	private final String upstream;

	private final ProblemWriter problems;

	/**
	 * @param upstream the upstream as the problem's detail names it to the caller
	 */
	UpstreamUnavailable(String upstream, ProblemWriter problems) {
		this.upstream = upstream;
		this.problems = problems;
	}

	/**
	 * The answer; for a change the upstream received ({@link UpstreamCall#requestSent}),
	 * one that says it may have been applied.
	 */
	Mono<Void> write(ServerWebExchange exchange, Duration retryAfter) {
		ProblemDetail problem = mayHaveChanged(exchange) ? Problems.changeNotConfirmed(this.upstream, retryAfter)
				: Problems.upstreamUnavailable(this.upstream, retryAfter);
		return this.problems.write(exchange, problem);
	}

	/**
	 * A change sent in full whose answer said nothing yet, or said it was done (its body
	 * then lost). An answer refusing it (a 4xx: profile-service's own refusal, cut short)
	 * or saying nothing took it in (a 503: a balancer with no instance) says it was not.
	 */
	private static boolean mayHaveChanged(ServerWebExchange exchange) {
		if (!UpstreamCall.isChange(exchange.getRequest().getMethod()) || !UpstreamCall.requestSent(exchange)) {
			return false;
		}
		HttpStatusCode received = exchange.getResponse().getStatusCode();
		return received == null
				|| !(received.is4xxClientError() || received.value() == HttpStatus.SERVICE_UNAVAILABLE.value());
	}

}
