package dev.porter.gateway.routing;

import java.security.Principal;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * Per-user budget on the relay: over it, a 429 problem with {@code Retry-After}, and
 * nothing is forwarded.
 */
class RateLimitFilter implements GatewayFilter, Ordered {

	static final int ORDER = 10;

	/**
	 * The relay's budgets apart from the others' in the key space they share with Redis
	 * ({@code login:<address>}, {@code sessions:<id>}): a {@code sub} can be any string
	 * some IdPs let users choose.
	 */
	private static final String BUDGET = "user:";

	private final UserRateLimiter limiter;

	private final ProblemWriter problems;

	RateLimitFilter(UserRateLimiter limiter, ProblemWriter problems) {
		this.limiter = limiter;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return exchange.getPrincipal()
			.map(Principal::getName)
			.defaultIfEmpty("anonymous")
			.flatMap((user) -> this.limiter.consume(BUDGET + user))
			.flatMap((decision) -> decision.allowed() ? chain.filter(exchange)
					: this.problems.write(exchange, Problems.rateLimited(decision.retryAfter())));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
