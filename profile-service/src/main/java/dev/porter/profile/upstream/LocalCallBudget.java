package dev.porter.profile.upstream;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
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

	/**
	 * Resilience4j waits for as long as the limiter is configured to, or not at all: so a
	 * call is let go only while a permission is free. Checked, then taken: one that loses
	 * the last to another in between waits as {@link #spend} would.
	 */
	@Override
	public Mono<Void> spendNow() {
		return Mono.defer(() -> (this.limiter.getMetrics().getAvailablePermissions() > 0) ? spend()
				: Mono.error(RequestNotPermitted.createRequestNotPermitted(this.limiter)));
	}

}
