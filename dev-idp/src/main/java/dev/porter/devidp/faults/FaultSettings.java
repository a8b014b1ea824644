package dev.porter.devidp.faults;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The faults in effect for one endpoint group, as {@code PUT /dev/faults/{group}} echoes
 * them (with the latency capped).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FaultSettings(@JsonProperty("latency_ms") long latencyMs, @JsonProperty("error_rate") double errorRate,
		@JsonProperty("error_status") int errorStatus,
		@JsonProperty("rate_limit") FaultRequest.@Nullable RateLimit rateLimit,
		@JsonProperty("retry_after") boolean retryAfter) {

	static final int DEFAULT_ERROR_STATUS = 503;

	/** The settings a request asks for, with the latency capped at {@code maxLatency}. */
	static FaultSettings from(FaultRequest request, Duration maxLatency) {
		long latency = Math.min((request.latencyMs() != null) ? request.latencyMs() : 0, maxLatency.toMillis());
		return new FaultSettings(latency, (request.errorRate() != null) ? request.errorRate() : 0.0,
				(request.errorStatus() != null) ? request.errorStatus() : DEFAULT_ERROR_STATUS, request.rateLimit(),
				Boolean.TRUE.equals(request.retryAfter()));
	}

}
