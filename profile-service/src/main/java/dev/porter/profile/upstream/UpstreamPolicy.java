package dev.porter.profile.upstream;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.porter.profile.problem.CallerRateLimitedException;
import dev.porter.profile.problem.TokenRejectedException;
import dev.porter.profile.problem.UpstreamBadResponseException;
import dev.porter.profile.problem.UpstreamRefusedException;
import dev.porter.profile.problem.UpstreamUnavailableException;
import dev.porter.profile.problem.UserNotFoundException;

/**
 * The Resilience4j operators of one upstream, applied in one fixed order, innermost
 * first: {@code Retry(CircuitBreaker(CallBudget(TimeLimiter(Bulkhead(call)))))}, then the
 * per-request deadline over all of it. Failures leave as the caller-facing problems.
 */
public final class UpstreamPolicy {

	/** Retry-After sent when the upstream gave no better hint. */
	static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

	private final String name;

	private final Bulkhead bulkhead;

	private final TimeLimiter timeLimiter;

	private final CallBudget budget;

	private final CircuitBreaker circuitBreaker;

	private final Retry retry;

	private final Duration deadline;

	public UpstreamPolicy(String name, Bulkhead bulkhead, TimeLimiter timeLimiter, CallBudget budget,
			CircuitBreaker circuitBreaker, Retry retry, Duration deadline) {
		this.name = name;
		this.bulkhead = bulkhead;
		this.timeLimiter = timeLimiter;
		this.budget = budget;
		this.circuitBreaker = circuitBreaker;
		this.retry = retry;
		this.deadline = deadline;
	}

	public String name() {
		return this.name;
	}

	/** The longest one call takes in all, its retries included. */
	public Duration deadline() {
		return this.deadline;
	}

	/** The longest one attempt of a call takes. */
	public Duration attemptTimeout() {
		return this.timeLimiter.getTimeLimiterConfig().getTimeoutDuration();
	}

	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * The operators and the deadline, with failures mapped to the caller-facing problems.
	 */
	public <T> Mono<T> apply(Mono<T> call) {
		return decorate(call).onErrorMap(this::toProblem);
	}

	/**
	 * The operators and the deadline; failures stay {@link UpstreamException}s. When the
	 * deadline ends a retry (its wait or its attempt), the caller gets what the upstream
	 * said last, not only that time ran out: a 429 stays a 429 with its own wait.
	 */
	public <T> Mono<T> decorate(Mono<T> call) {
		return decorate(call, false);
	}

	/**
	 * As {@link #decorate}, for a call that changes the upstream: each of its attempts
	 * marks the change's {@link WriteAttempts} when it may have changed something, and
	 * its first attempt is sent only once the caller's {@link BeforeFirstAttempt} check
	 * passes, made after the wait for the call budget. The attempt's time limit starts
	 * only then: a check made before that wait could pass a change that was then still in
	 * flight when its caller was told it failed.
	 */
	public <T> Mono<T> decorateChange(Mono<T> call) {
		return decorate(WriteAttempts.observe(call), true);
	}

	private <T> Mono<T> decorate(Mono<T> call, boolean change) {
		return Mono.defer(() -> {
			AtomicReference<@Nullable Throwable> lastFailure = new AtomicReference<>();
			AtomicBoolean first = new AtomicBoolean(true);
			Mono<T> attempt = call.transformDeferred(BulkheadOperator.of(this.bulkhead))
				.transformDeferred(TimeLimiterOperator.of(this.timeLimiter))
				.doOnError(lastFailure::set);
			return Mono
				.defer(() -> spendBudget()
					.then((change && first.getAndSet(false)) ? BeforeFirstAttempt.check() : Mono.<Void>empty())
					.then(attempt))
				.transformDeferred(CircuitBreakerOperator.of(this.circuitBreaker))
				.transformDeferred(RetryOperator.of(this.retry))
				// the caller's budget: no retry wait may run past it
				.timeout(this.deadline)
				.onErrorMap(TimeoutException.class,
						(ex) -> (lastFailure.get() instanceof UpstreamException upstream) ? upstream : ex);
		});
	}

	/**
	 * One call of the budget: waiting for it if need be, or only if free at once for a
	 * {@link BackgroundCall}.
	 */
	private Mono<Void> spendBudget() {
		return Mono
			.deferContextual((context) -> BackgroundCall.in(context) ? this.budget.spendNow() : this.budget.spend());
	}

	public Throwable toProblem(Throwable ex) {
		if (ex instanceof BeforeFirstAttempt.Refused refused && refused.getCause() != null) {
			return refused.getCause();
		}
		if (ex instanceof UpstreamException upstream) {
			return switch (upstream.kind()) {
				case NOT_FOUND -> new UserNotFoundException();
				case TOKEN_REJECTED -> new TokenRejectedException();
				case REFUSED -> new UpstreamRefusedException(this.name, upstream.status(), ex);
				case BAD_RESPONSE, ENTRY_UNUSABLE -> new UpstreamBadResponseException(this.name, ex);
				case RATE_LIMITED -> UpstreamFailures.rateLimitIsTheCallers(this.name)
						? callerRateLimited(upstream.retryAfter()) : unavailable(upstream.retryAfter(), ex);
				case UNAVAILABLE -> unavailable(upstream.retryAfter(), ex);
			};
		}
		if (ex instanceof CallNotPermittedException) {
			return unavailable(this.circuitBreaker.getCircuitBreakerConfig()
				.getWaitIntervalFunctionInOpenState()
				.apply(1)
				.longValue(), ex);
		}
		if (ex instanceof BulkheadFullException || ex instanceof RequestNotPermitted) {
			return new UpstreamUnavailableException(this.name, Duration.ofSeconds(1), ex);
		}
		if (ex instanceof TimeoutException) {
			return unavailable(null, ex);
		}
		return new UpstreamBadResponseException(this.name, ex);
	}

	/**
	 * The caller's own limit ({@link UpstreamFailures#rateLimitIsTheCallers}): a
	 * {@code 429}. A {@code 503} would count against the gateway's relay breaker, and one
	 * user could open it for everybody.
	 */
	private static CallerRateLimitedException callerRateLimited(@Nullable Duration wait) {
		return new CallerRateLimitedException((wait != null) ? wait : DEFAULT_RETRY_AFTER);
	}

	private UpstreamUnavailableException unavailable(long waitMillis, Throwable ex) {
		return unavailable(Duration.ofMillis(waitMillis), ex);
	}

	private UpstreamUnavailableException unavailable(@Nullable Duration wait, Throwable ex) {
		return new UpstreamUnavailableException(this.name, (wait != null) ? wait : DEFAULT_RETRY_AFTER, ex);
	}

}
