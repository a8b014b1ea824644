package dev.porter.profile.upstream;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.reactor.ratelimiter.operator.RateLimiterOperator;
import reactor.core.publisher.Mono;

/** This instance's own budget: a Resilience4j rate limiter. */
public final class LocalCallBudget implements CallBudget {

	private final RateLimiter limiter;

	public LocalCallBudget(RateLimiter limiter) {
		this.limiter = limiter;
	}

	RateLimiter limiter() {
		return this.limiter;
	}

	@Override
	public Mono<Void> spend() {
		return Mono.<Void>empty().transformDeferred(RateLimiterOperator.of(this.limiter));
	}

}
