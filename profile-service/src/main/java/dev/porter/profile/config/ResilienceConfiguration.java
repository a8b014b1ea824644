package dev.porter.profile.config;

import java.time.Clock;
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

import dev.porter.profile.upstream.CallBudget;
import dev.porter.profile.upstream.LocalCallBudget;
import dev.porter.profile.upstream.SharedCallBudget;
import dev.porter.profile.upstream.UpstreamFailures;
import dev.porter.profile.upstream.UpstreamPolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Builds the {@code userinfo} and {@code management} Resilience4j instances from
 * {@link ResilienceProperties} and exports their metrics; which failures count and retry
 * is {@link UpstreamFailures}'. With {@code REDIS_URL}, the Management API's rate limit
 * is one budget all instances spend together ({@link SharedCallBudget}): Auth0's is the
 * tenant's. {@code /userinfo}'s stays per instance: Auth0 limits it per user.
 */
@Configuration(proxyBeanMethods = false)
class ResilienceConfiguration {

	private static final String MANAGEMENT = "management";

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
		ResilienceProperties.Upstream settings = properties.userinfo();
		return policy(UpstreamFailures.USERINFO, settings, localBudget(UpstreamFailures.USERINFO, settings));
	}

	/** A bean of its own, so that a test can hold a call's wait for it. */
	@Bean
	@Qualifier("management")
	CallBudget managementCallBudget(ResilienceProperties properties,
			ObjectProvider<ReactiveRedisConnectionFactory> redis, RedisProperties redisProperties, Clock clock) {
		ResilienceProperties.Upstream settings = properties.management();
		LocalCallBudget local = localBudget(MANAGEMENT, settings);
		ReactiveRedisConnectionFactory shared = redis.getIfAvailable();
		return (shared != null) ? new SharedCallBudget(MANAGEMENT, shared, local, settings.rateLimitForPeriod(),
				settings.rateLimitPeriod(), settings.rateLimitWait(), redisProperties.timeout(), clock) : local;
	}

	@Bean
	@Qualifier("management")
	UpstreamPolicy managementPolicy(ResilienceProperties properties, @Qualifier("management") CallBudget budget) {
		return policy(MANAGEMENT, properties.management(), budget);
	}

	private LocalCallBudget localBudget(String name, ResilienceProperties.Upstream settings) {
		return new LocalCallBudget(this.rateLimiters.rateLimiter(name,
				RateLimiterConfig.custom()
					.limitForPeriod(settings.rateLimitForPeriod())
					.limitRefreshPeriod(settings.rateLimitPeriod())
					.timeoutDuration(settings.rateLimitWait())
					.build()));
	}

	private UpstreamPolicy policy(String name, ResilienceProperties.Upstream settings, CallBudget budget) {
		Bulkhead bulkhead = this.bulkheads.bulkhead(name,
				BulkheadConfig.custom()
					.maxConcurrentCalls(settings.maxConcurrent())
					.maxWaitDuration(Duration.ZERO)
					.build());
		CircuitBreaker breaker = this.circuitBreakers.circuitBreaker(name, circuitBreakerConfig(name, settings));
		return new UpstreamPolicy(name, bulkhead,
				this.timeLimiters.timeLimiter(name,
						TimeLimiterConfig.custom().timeoutDuration(settings.attemptTimeout()).build()),
				budget, breaker, this.retries.retry(name, retryConfig(settings)), settings.deadline());
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
