package dev.porter.gateway.routing;

import java.time.Duration;
import java.util.Set;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
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

	/** The methods that change nothing (RFC 9110 section 9.2.1). */
	private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE);

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

	private static boolean mayHaveChanged(ServerWebExchange exchange) {
		return !SAFE.contains(exchange.getRequest().getMethod()) && UpstreamCall.requestSent(exchange);
	}

}
