package dev.porter.gateway.routing;

import java.net.URI;
import java.time.Duration;

import dev.porter.common.HttpUris;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The relay to profile-service.
 *
 * @param profileServiceUri where {@code /me} and {@code /me/**} go
 * @param connectTimeout TCP connect timeout (at most an hour: Netty takes it as an
 * {@code int} of milliseconds)
 * @param responseTimeout how long the response headers may take to arrive; past it, the
 * caller gets a 503 problem
 * @param breakerFailureRate percentage of failed calls (errors, timeouts, 5xx) at which
 * the circuit opens
 * @param breakerWindow number of recent calls the failure rate is computed over
 * @param breakerMinimumCalls calls needed before the rate counts
 * @param breakerOpenFor how long an open circuit rejects calls before trying again
 * @param retryAfter the {@code Retry-After} sent with a 503 while the circuit is closed
 * @param rateLimit requests one user may make to {@code /me/**} per
 * {@code rateLimitPeriod}
 * @param rateLimitPeriod the rate limit window; at least a second, as the windows are
 * counted in whole milliseconds
 */
@Validated
@ConfigurationProperties("porter.relay")
public record RelayProperties(
		@NotNull(message = "set PROFILE_SERVICE_URI") @DefaultValue("http://localhost:8081") URI profileServiceUri,
		@NotNull(message = "set RELAY_CONNECT_TIMEOUT") @DurationMin(millis = 1,
				message = "RELAY_CONNECT_TIMEOUT must be between 1ms and 1h") @DurationMax(hours = 1,
						message = "RELAY_CONNECT_TIMEOUT must be between 1ms and 1h") @DefaultValue("2s") Duration connectTimeout,
		@NotNull(message = "set RELAY_RESPONSE_TIMEOUT") @DurationMin(millis = 1,
				message = "RELAY_RESPONSE_TIMEOUT must be positive") @DefaultValue("5s") Duration responseTimeout,
		@Min(value = 1, message = "RELAY_BREAKER_FAILURE_RATE must be 1..100") @Max(value = 100,
				message = "RELAY_BREAKER_FAILURE_RATE must be 1..100") @DefaultValue("50") int breakerFailureRate,
		@Min(value = 1, message = "RELAY_BREAKER_WINDOW must be positive") @DefaultValue("20") int breakerWindow,
		@Min(value = 1,
				message = "RELAY_BREAKER_MINIMUM_CALLS must be positive") @DefaultValue("10") int breakerMinimumCalls,
		@NotNull(message = "set RELAY_BREAKER_OPEN_FOR") @DurationMin(millis = 1,
				message = "RELAY_BREAKER_OPEN_FOR must be positive") @DefaultValue("10s") Duration breakerOpenFor,
		@NotNull(message = "set RELAY_RETRY_AFTER") @DurationMin(millis = 1,
				message = "RELAY_RETRY_AFTER must be positive") @DefaultValue("5s") Duration retryAfter,
		@Min(value = 1, message = "RATE_LIMIT must be positive") @DefaultValue("120") int rateLimit,
		@NotNull(message = "set RATE_LIMIT_PERIOD") @DurationMin(seconds = 1,
				message = "RATE_LIMIT_PERIOD must be at least 1s") @DefaultValue("1m") Duration rateLimitPeriod) {

	public RelayProperties {
		HttpUris.requireAbsoluteHttp(profileServiceUri, "PROFILE_SERVICE_URI");
		requireOrigin(profileServiceUri);
	}

	/**
	 * The relay sends the gateway's own path to profile-service's origin
	 * ({@code UpstreamCall}): a path, query or user-info here would be dropped without a
	 * word, and {@code /me} sent, with the user's token, to whatever serves it at that
	 * origin.
	 */
	private static void requireOrigin(@Nullable URI uri) {
		if (uri == null) {
			return;
		}
		String path = uri.getRawPath();
		boolean originOnly = (path == null || path.isEmpty() || "/".equals(path)) && uri.getRawQuery() == null
				&& uri.getRawFragment() == null && !uri.getRawAuthority().contains("@");
		if (!originOnly) {
			throw new IllegalArgumentException("PROFILE_SERVICE_URI must be an origin (scheme, host and port, "
					+ "e.g. http://profile-service:8081): the relay sends the request's own path, /me/...");
		}
	}

}
