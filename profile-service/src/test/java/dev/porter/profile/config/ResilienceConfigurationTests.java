package dev.porter.profile.config;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.porter.profile.problem.UpstreamRefusedException;
import dev.porter.profile.problem.UpstreamUnavailableException;
import dev.porter.profile.problem.UserNotFoundException;
import dev.porter.profile.upstream.UpstreamException;
import dev.porter.profile.upstream.UpstreamException.Kind;
import dev.porter.profile.upstream.UpstreamPolicy;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** The composed operators on virtual time: backoff, honoured waits, deadline, circuit. */
class ResilienceConfigurationTests {

	private static final ResilienceProperties.Upstream SETTINGS = new ResilienceProperties.Upstream(
			Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1), 10, 3, Duration.ofMillis(100), 0.5,
			Duration.ofSeconds(2), 50, 10, 5, Duration.ofSeconds(30), 10, 1000, Duration.ofSeconds(1),
			Duration.ofSeconds(1));

	private final AtomicInteger attempts = new AtomicInteger();

	private UpstreamPolicy policy() {
		ResilienceConfiguration configuration = new ResilienceConfiguration(new SimpleMeterRegistry());
		ResilienceProperties properties = new ResilienceProperties(SETTINGS, SETTINGS);
		return configuration.managementPolicy(properties,
				configuration.managementCallBudget(properties,
						new StaticListableBeanFactory().getBeanProvider(ReactiveRedisConnectionFactory.class),
						new RedisProperties(null, Duration.ofMillis(500)), Clock.systemUTC()));
	}

	/** An upstream whose n-th attempt (from 1) answers {@code outcome.apply(n)}. */
	private Mono<String> upstream(Function<Integer, Mono<String>> outcome) {
		return Mono.defer(() -> outcome.apply(this.attempts.incrementAndGet()));
	}

	private static UpstreamException failure(Kind kind, Duration retryAfter) {
		return new UpstreamException("management", kind, retryAfter, null);
	}

	@Test
	void applyWhenServerErrorsThenRetriesWithBackoffAndSucceeds() {
		StepVerifier
			.withVirtualTime(() -> policy()
				.apply(upstream((n) -> (n < 3) ? Mono.error(failure(Kind.UNAVAILABLE, null)) : Mono.just("ok"))))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(2))
			.expectNext("ok")
			.verifyComplete();
		assertThat(this.attempts).hasValue(3);
	}

	@Test
	void applyWhenRateLimitedWithinBudgetThenWaitsExactlyTheResetThenRetries() {
		StepVerifier
			.withVirtualTime(() -> policy().apply(upstream((n) -> (n == 1)
					? Mono.error(failure(Kind.RATE_LIMITED, Duration.ofMillis(1500))) : Mono.just("ok"))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(1499))
			.thenAwait(Duration.ofMillis(1))
			.expectNext("ok")
			.verifyComplete();
		assertThat(this.attempts).hasValue(2);
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 1 })
	void applyWhenRateLimitedWithWaitShorterThanBackoffThenWaitsTheBackoff(long waitMillis) {
		// A reset that has just passed (or lies within the same second) must not turn the
		// retries into a burst: each would spend the tenant's empty bucket and count on
		// the shared breaker. The first backoff is 100 ms with jitter 0.5: 50..150 ms.
		StepVerifier
			.withVirtualTime(() -> policy().apply(upstream((n) -> (n == 1)
					? Mono.error(failure(Kind.RATE_LIMITED, Duration.ofMillis(waitMillis))) : Mono.just("ok"))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(49))
			.thenAwait(Duration.ofMillis(101))
			.expectNext("ok")
			.verifyComplete();
		assertThat(this.attempts).hasValue(2);
	}

	@Test
	void applyWhenRateLimitedBeyondBudgetThenFailsAtOnceWithUpstreamWait() {
		StepVerifier.withVirtualTime(
				() -> policy().apply(upstream((n) -> Mono.error(failure(Kind.RATE_LIMITED, Duration.ofSeconds(30))))))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(UpstreamUnavailableException.class);
				assertThat(((UpstreamUnavailableException) ex).getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
					.isEqualTo("30");
			})
			.verify(Duration.ofSeconds(5));
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void applyWhenNotFoundThenNoRetryAndNotFoundProblem() {
		StepVerifier.withVirtualTime(() -> policy().apply(upstream((n) -> Mono.error(failure(Kind.NOT_FOUND, null)))))
			.expectError(UserNotFoundException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void applyWhenAttemptHangsThenTimesOutAfterAttemptTimeoutWithoutRetry() {
		StepVerifier.withVirtualTime(() -> policy().apply(upstream((n) -> Mono.never())))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectError(UpstreamUnavailableException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void applyWhenRetryWaitsWouldPassDeadlineThenFailsAtDeadline() {
		StepVerifier
			.withVirtualTime(() -> policy().apply(upstream((n) -> Mono.delay(Duration.ofMillis(900))
				.then(Mono.error(failure(Kind.RATE_LIMITED, Duration.ofSeconds(2)))))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(4999))
			.thenAwait(Duration.ofMillis(1))
			.expectError(UpstreamUnavailableException.class)
			.verify(Duration.ofSeconds(5));
		// Attempts at 0 s and 2.9 s; the third would start at 5.8 s, past the
		// 5 s deadline.
		assertThat(this.attempts).hasValue(2);
	}

	@Test
	void applyWhenCircuitOpenThenNoCallAndRetryAfterOpenDuration() {
		UpstreamPolicy policy = policy();
		policy.circuitBreaker().transitionToOpenState();
		StepVerifier.create(policy.apply(upstream((n) -> Mono.just("ok"))))
			.expectErrorSatisfies((ex) -> assertThat(
					((UpstreamUnavailableException) ex).getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
				.isEqualTo("30"))
			.verify(Duration.ofSeconds(5));
		assertThat(this.attempts).hasValue(0);
	}

	@Test
	void applyWhenFailuresPassThresholdThenCircuitOpens() {
		UpstreamPolicy policy = policy();
		for (int i = 0; i < 5; i++) {
			StepVerifier
				.withVirtualTime(() -> policy.apply(upstream((n) -> Mono.error(failure(Kind.BAD_RESPONSE, null)))))
				.expectError()
				.verify(Duration.ofSeconds(5));
		}
		assertThat(policy.circuitBreaker().getState())
			.isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
	}

	@Test
	void applyWhenManagementApiRejectsOurRevokedCredentialRepeatedlyThenCircuitOpensAndCallsStop() {
		// A 401 from the Management API refuses our M2M token, not the caller's: every
		// request would meet it, so it is the upstream failing for everybody.
		UpstreamPolicy policy = policy();
		for (int i = 0; i < 20; i++) {
			StepVerifier
				.withVirtualTime(() -> policy.apply(upstream((n) -> Mono.error(failure(Kind.TOKEN_REJECTED, null)))))
				.expectError()
				.verify(Duration.ofSeconds(5));
		}
		assertThat(policy.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.attempts).hasValue(5);
	}

	@Test
	void applyWhenUpstreamRefusesTheCallersRequestRepeatedlyThenCallersProblemEachTimeNoRetryAndCircuitStaysClosed() {
		UpstreamPolicy policy = policy();
		for (int i = 0; i < 20; i++) {
			StepVerifier
				.withVirtualTime(() -> policy.apply(upstream(
						(n) -> Mono.error(new UpstreamException("management", Kind.REFUSED, 400, null, null)))))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(UpstreamRefusedException.class)
					.extracting((e) -> ((UpstreamRefusedException) e).getStatusCode().value())
					.isEqualTo(422))
				.verify(Duration.ofSeconds(5));
		}
		assertThat(this.attempts).hasValue(20);
		assertThat(policy.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(policy.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void applyWhenCircuitHalfOpenAndCallersRequestRefusedThenCircuitStaysHalfOpenForAHealthProbe() {
		UpstreamPolicy policy = policy();
		policy.circuitBreaker().transitionToOpenState();
		policy.circuitBreaker().transitionToHalfOpenState();
		for (int i = 0; i < 20; i++) {
			StepVerifier
				.create(policy.apply(upstream(
						(n) -> Mono.error(new UpstreamException("management", Kind.REFUSED, 400, null, null)))))
				.expectError(UpstreamRefusedException.class)
				.verify(Duration.ofSeconds(5));
		}
		assertThat(policy.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
	}

}
