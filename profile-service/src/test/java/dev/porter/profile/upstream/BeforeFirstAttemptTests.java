package dev.porter.profile.upstream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caller's check before a change's first attempt ({@link BeforeFirstAttempt}), as the
 * policy applies it: made once the call budget was spent, before the first attempt only,
 * and a refusal is the caller's answer, neither retried nor counted.
 */
class BeforeFirstAttemptTests {

	/** Classified as the application's circuits are. */
	private final CircuitBreaker circuit = CircuitBreaker.of("c",
			CircuitBreakerConfig.custom()
				.ignoreException((ex) -> UpstreamFailures.saysNothingAboutUpstream("management", ex))
				.build());

	/** Retried as the application's policies are. */
	private final UpstreamPolicy policy = new UpstreamPolicy("management", Bulkhead.ofDefaults("b"),
			TimeLimiter.ofDefaults("t"), new LocalCallBudget(RateLimiter.ofDefaults("r")), this.circuit,
			Retry.of("retry",
					RetryConfig.custom()
						.maxAttempts(3)
						.waitDuration(Duration.ofMillis(1))
						.retryOnException((ex) -> UpstreamFailures.isRetryable(ex, Duration.ofSeconds(1)))
						.build()),
			Duration.ofSeconds(5));

	private final AtomicInteger sent = new AtomicInteger();

	private final AtomicInteger checked = new AtomicInteger();

	// Counted, a few requests whose reads were slow would open the circuit for everybody.
	@Test
	void decorateChangeWhenTheCheckFailsThenNotSentNotRetriedNotCountedAndTheCallersAnswer() {
		IllegalStateException tooLate = new IllegalStateException("too late");

		StepVerifier
			.create(this.policy.decorateChange(upstream(Mono.just("applied")))
				.onErrorMap(this.policy::toProblem)
				.contextWrite((context) -> BeforeFirstAttempt.into(context, check(Mono.error(tooLate)))))
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(tooLate))
			.verify(Duration.ofSeconds(5));

		assertThat(this.sent).hasValue(0);
		assertThat(this.checked).hasValue(1);
		assertThat(this.circuit.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	// A retry is made only after an attempt that may have applied the change: its caller
	// is told "may still be applied" should the request's deadline cut it short.
	@Test
	void decorateChangeWhenTheFirstAttemptFailsAndIsRetriedThenOnlyTheFirstIsChecked() {
		AtomicInteger attempts = new AtomicInteger();
		Mono<String> failsOnce = Mono.defer(() -> (attempts.incrementAndGet() == 1)
				? Mono.error(new UpstreamException("management", UpstreamException.Kind.UNAVAILABLE, null, null))
				: Mono.just("applied"));

		StepVerifier
			.create(this.policy.decorateChange(upstream(failsOnce))
				.contextWrite((context) -> BeforeFirstAttempt.into(context, check(Mono.empty()))))
			.expectNext("applied")
			.verifyComplete();

		assertThat(this.sent).hasValue(2);
		assertThat(this.checked).hasValue(1);
	}

	@Test
	void decorateWhenAReadThenNotChecked() {
		StepVerifier
			.create(this.policy.decorate(upstream(Mono.just("read")))
				.contextWrite(
						(context) -> BeforeFirstAttempt.into(context, check(Mono.error(new IllegalStateException())))))
			.expectNext("read")
			.verifyComplete();

		assertThat(this.checked).hasValue(0);
	}

	private <T> Mono<T> upstream(Mono<T> answer) {
		return Mono.defer(() -> {
			this.sent.incrementAndGet();
			return answer;
		});
	}

	private Mono<Void> check(Mono<Void> outcome) {
		return Mono.defer(() -> {
			this.checked.incrementAndGet();
			return outcome;
		});
	}

}
