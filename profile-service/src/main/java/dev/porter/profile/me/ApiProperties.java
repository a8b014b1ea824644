package dev.porter.profile.me;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the profile API itself.
 *
 * @param callerLimitForPeriod requests one caller ({@code sub}) may make per period
 * ({@code PROFILE_CALLER_RATE_LIMIT})
 * @param callerLimitPeriod the period
 * @param callerUpstreamLimitForPeriod upstream calls (loads, revalidations, changes) one
 * caller's requests may start per period ({@code PROFILE_CALLER_UPSTREAM_RATE_LIMIT}),
 * see {@link CallerUpstreamShare}
 * @param callerUpstreamLimitPeriod the period
 * @param requestDeadline the time one request may take in all
 * ({@code PROFILE_REQUEST_DEADLINE}); below the gateway's {@code RELAY_RESPONSE_TIMEOUT},
 * see {@link RequestDeadline}
 */
@Validated
@ConfigurationProperties("porter.api")
public record ApiProperties(
		@Min(value = 1, message = "PROFILE_CALLER_RATE_LIMIT must be at least 1") int callerLimitForPeriod,
		@NotNull @DurationMin(millis = 1) Duration callerLimitPeriod,
		@Min(value = 1,
				message = "PROFILE_CALLER_UPSTREAM_RATE_LIMIT must be at least 1") int callerUpstreamLimitForPeriod,
		@NotNull @DurationMin(millis = 1) Duration callerUpstreamLimitPeriod,
		@NotNull(message = "set PROFILE_REQUEST_DEADLINE") @DurationMin(millis = 1,
				message = "PROFILE_REQUEST_DEADLINE must be positive") Duration requestDeadline) {
}
