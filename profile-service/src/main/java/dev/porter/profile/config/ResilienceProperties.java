package dev.porter.profile.config;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Resilience4j settings per upstream, named as the instances: {@code userinfo} and
 * {@code management}. Every value can be overridden from the environment by Boot's
 * relaxed binding, e.g. {@code PORTER_RESILIENCE_MANAGEMENT_RATE_LIMIT_FOR_PERIOD=16}.
 */
@Validated
@ConfigurationProperties("porter.resilience")
public record ResilienceProperties(@Valid @NotNull Upstream userinfo, @Valid @NotNull Upstream management) {

	/**
	 * @param deadline the budget of one load or change, retries and their waits included;
	 * a caller waits for it at most its request's deadline
	 * ({@code PROFILE_REQUEST_DEADLINE}), and a load it leaves goes on to fill the cache
	 * @param attemptTimeout the time limiter: one attempt at most, and the only timer
	 * that ends one as too slow (the pooled client waits half of it for a connection, and
	 * its response timeout, twice it, is a backstop: {@code WebClientConfiguration})
	 * @param connectTimeout TCP connect timeout of the pooled client
	 * @param maxConnections connection pool size
	 * @param maxAttempts attempts in total (1 = no retry)
	 * @param initialBackoff first retry wait, doubled per attempt
	 * @param jitter randomisation factor of the backoff (0..1)
	 * @param maxRetryWait the longest {@code Retry-After}/{@code X-RateLimit-Reset} wait
	 * honoured; a longer one fails at once
	 * @param failureRateThreshold percent of failed calls that opens the circuit
	 * @param slidingWindowSize calls the circuit looks at
	 * @param minimumCalls calls before the circuit judges
	 * @param openFor how long the open circuit refuses calls
	 * @param maxConcurrent the bulkhead
	 * @param rateLimitForPeriod client-side budget: calls per period (the tenant's limit)
	 * @param rateLimitPeriod the budget's refresh period
	 * @param rateLimitWait how long a call may wait for budget
	 */
	public record Upstream(@NotNull @DurationMin(millis = 1) Duration deadline,
			@NotNull @DurationMin(millis = 1) Duration attemptTimeout,
			@NotNull @DurationMin(millis = 1) Duration connectTimeout, @Min(1) int maxConnections,
			@Min(1) int maxAttempts, @NotNull @DurationMin(millis = 0) Duration initialBackoff,
			@DecimalMin("0.0") @DecimalMax("1.0") double jitter,
			@NotNull @DurationMin(millis = 0) Duration maxRetryWait,
			@DecimalMin("1") @DecimalMax("100") float failureRateThreshold, @Min(1) int slidingWindowSize,
			@Min(1) int minimumCalls, @NotNull @DurationMin(millis = 1) Duration openFor, @Min(1) int maxConcurrent,
			@Min(1) int rateLimitForPeriod, @NotNull @DurationMin(millis = 1) Duration rateLimitPeriod,
			@NotNull @DurationMin(millis = 0) Duration rateLimitWait) {
	}

}
