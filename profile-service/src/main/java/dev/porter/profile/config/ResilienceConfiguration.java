package dev.porter.profile.config;

import java.time.Duration;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import dev.porter.profile.upstream.UpstreamException;
import dev.porter.profile.upstream.UpstreamPolicy;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the {@code userinfo} and {@code management} Resilience4j instances from
 * {@link ResilienceProperties} and exports their metrics.
 */
@Configuration(proxyBeanMethods = false)
class ResilienceConfiguration {

	static final String USERINFO = "userinfo";

	private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();

	private final RetryRegistry retries = RetryRegistry.ofDefaults();

	private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();

	private final TimeLimiterRegistry timeLimiters = TimeLimiterRegistry.ofDefaults();

	private final RateLimiterRegistry rateLimiters = RateLimiterRegistry.ofDefaults();

	ResilienceConfiguration(MeterRegistry meters) {
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(this.circuitBreakers).bindTo(meters);
		TaggedRetryMetrics.ofRetryRegistry(this.retries).bindTo(meters);
		TaggedBulkheadMetrics.ofBulkheadRegistry(this.bulkheads).bindTo(meters);
		TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(this.timeLimiters).bindTo(meters);
		TaggedRateLimiterMetrics.ofRateLimiterRegistry(this.rateLimiters).bindTo(meters);
	}

	@Bean
	@Qualifier("userinfo")
	UpstreamPolicy userinfoPolicy(ResilienceProperties properties) {
		return policy(USERINFO, properties.userinfo());
	}

	@Bean
	@Qualifier("management")
	UpstreamPolicy managementPolicy(ResilienceProperties properties) {
		return policy("management", properties.management());
	}

	private UpstreamPolicy policy(String name, ResilienceProperties.Upstream settings) {
		Bulkhead bulkhead = this.bulkheads.bulkhead(name,
				BulkheadConfig.custom()
					.maxConcurrentCalls(settings.maxConcurrent())
					.maxWaitDuration(Duration.ZERO)
					.build());
		CircuitBreaker breaker = this.circuitBreakers.circuitBreaker(name, circuitBreakerConfig(name, settings));
		return new UpstreamPolicy(name, bulkhead,
				this.timeLimiters.timeLimiter(name,
						TimeLimiterConfig.custom().timeoutDuration(settings.attemptTimeout()).build()),
				this.rateLimiters.rateLimiter(name,
						RateLimiterConfig.custom()
							.limitForPeriod(settings.rateLimitForPeriod())
							.limitRefreshPeriod(settings.rateLimitPeriod())
							.timeoutDuration(settings.rateLimitWait())
							.build()),
				breaker, this.retries.retry(name, retryConfig(settings)), settings.deadline());
	}

	private static CircuitBreakerConfig circuitBreakerConfig(String name, ResilienceProperties.Upstream settings) {
		return CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumCalls())
			.waitDurationInOpenState(settings.openFor())
			.ignoreException((ex) -> saysNothingAboutUpstream(name, ex))
			.build();
	}

	/**
	 * Outcomes that are neither the upstream's failure nor its success, so the breaker
	 * ignores them: answers the caller's own request earned (404, a refused caller token
	 * at {@code /userinfo}, a refused change: 400, 409, 413, 422) and our own full
	 * bulkhead or rate limiter. Counted as failures, one caller's bad requests would open
	 * the circuit for everybody; counted as successes, they would hide a real outage.
	 * Auth0 keys {@code /userinfo}'s rate limit to one user, so its 429 is that user's;
	 * the Management API's 429 is the tenant's, shared by all, and counts.
	 */
	static boolean saysNothingAboutUpstream(String name, Throwable ex) {
		if (ex instanceof UpstreamException upstream) {
			return switch (upstream.kind()) {
				case NOT_FOUND, REFUSED -> true;
				// userinfo refuses the caller's token; the Management API refuses ours,
				// which fails every request until someone rotates the credential.
				case TOKEN_REJECTED -> USERINFO.equals(name);
				case RATE_LIMITED -> USERINFO.equals(name);
				case UNAVAILABLE, BAD_RESPONSE -> false;
			};
		}
		return ex instanceof BulkheadFullException || ex instanceof RequestNotPermitted;
	}

	static RetryConfig retryConfig(ResilienceProperties.Upstream settings) {
		IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0,
				settings.jitter());
		IntervalBiFunction<Object> interval = (attempt, outcome) -> {
			if (outcome.isLeft() && outcome.getLeft() instanceof UpstreamException upstream
					&& upstream.retryAfter() != null) {
				// the upstream said when budget returns: waiting less only earns another
				// 429
				return upstream.retryAfter().toMillis();
			}
			return backoff.apply(attempt);
		};
		return RetryConfig.custom()
			.maxAttempts(settings.maxAttempts())
			.intervalBiFunction(interval)
			.retryOnException((ex) -> isRetryable(ex, settings.maxRetryWait()))
			.build();
	}

	/**
	 * Only connect errors, 5xx and 429 whose wait fits the budget; never an open circuit,
	 * and never a 4xx the caller's request earned: the same request earns it again.
	 */
	static boolean isRetryable(Throwable ex, Duration maxRetryWait) {
		if (!(ex instanceof UpstreamException upstream) || !upstream.isTransient()) {
			return false;
		}
		return upstream.retryAfter() == null || upstream.retryAfter().compareTo(maxRetryWait) <= 0;
	}

}
