package dev.porter.profile.config;

import java.time.Duration;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import dev.porter.profile.upstream.UpstreamFailures;
import dev.porter.profile.upstream.UpstreamPolicy;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the {@code userinfo} and {@code management} Resilience4j instances from
 * {@link ResilienceProperties} and exports their metrics; which failures count and retry
 * is {@link UpstreamFailures}'.
 */
@Configuration(proxyBeanMethods = false)
class ResilienceConfiguration {

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
		return policy(UpstreamFailures.USERINFO, properties.userinfo());
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
			.ignoreException((ex) -> UpstreamFailures.saysNothingAboutUpstream(name, ex))
			.build();
	}

	static RetryConfig retryConfig(ResilienceProperties.Upstream settings) {
		IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0,
				settings.jitter());
		return RetryConfig.custom()
			.maxAttempts(settings.maxAttempts())
			.intervalBiFunction(UpstreamFailures.retryInterval(backoff))
			.retryOnException((ex) -> UpstreamFailures.isRetryable(ex, settings.maxRetryWait()))
			.build();
	}

}
