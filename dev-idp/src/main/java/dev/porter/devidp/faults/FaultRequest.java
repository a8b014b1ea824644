package dev.porter.devidp.faults;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code PUT /dev/faults/{group}}; every field is optional and an absent one
 * means "no such fault".
 *
 * @param latencyMs delay before every response of the group, in milliseconds
 * @param errorRate the share of requests (0 to 1) answered with {@code errorStatus}
 * @param errorStatus the status of injected errors (default 503)
 * @param rateLimit a token bucket for the whole group
 * @param retryAfter whether rate-limited responses carry {@code Retry-After}
 */
record FaultRequest(@JsonProperty("latency_ms") @Min(0) @Nullable Long latencyMs,
		@JsonProperty("error_rate") @DecimalMin("0.0") @DecimalMax("1.0") @Nullable Double errorRate,
		@JsonProperty("error_status") @Min(400) @Max(599) @Nullable Integer errorStatus,
		@JsonProperty("rate_limit") @Valid @Nullable RateLimit rateLimit,
		@JsonProperty("retry_after") @Nullable Boolean retryAfter) {

	/**
	 * A token bucket: {@code capacity} requests at once (the burst), refilled at
	 * {@code refillPerSecond} (the sustained rate), as Auth0 describes its limits.
	 */
	record RateLimit(@NotNull @Min(1) Long capacity,
			@JsonProperty("refill_per_second") @NotNull @DecimalMin(value = "0.0",
					inclusive = false) Double refillPerSecond) {

	}

}
