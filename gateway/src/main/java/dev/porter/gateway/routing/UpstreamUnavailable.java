package dev.porter.gateway.routing;

import java.time.Duration;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/**
 * The relay's answer when the upstream is out of reach: a 503 problem with
 * {@code Retry-After}, instead of Spring Cloud Gateway's 500 or 504.
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

	Mono<Void> write(ServerWebExchange exchange, Duration retryAfter) {
		return this.problems.write(exchange, Problems.upstreamUnavailable(this.upstream, retryAfter));
	}

}
