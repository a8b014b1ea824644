package dev.porter.devidp.faults;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the fault injection.
 *
 * @param maxLatency the longest latency a fault may add, so that no request hangs for
 * long ({@code DEV_IDP_FAULTS_MAX_LATENCY})
 */
@Validated
@ConfigurationProperties("porter.faults")
record FaultsProperties(
		@NotNull(message = "set DEV_IDP_FAULTS_MAX_LATENCY, e.g. 30s") @DefaultValue("30s") Duration maxLatency) {

	FaultsProperties {
		if (maxLatency != null && maxLatency.isNegative()) {
			// every fault's latency would be negative, and its sleep would fail the
			// request
			throw new IllegalArgumentException("DEV_IDP_FAULTS_MAX_LATENCY must not be negative");
		}
	}

}
