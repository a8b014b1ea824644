package dev.porter.gateway.routing;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway reads requests.
 *
 * @param readTimeout how long a request body may take to arrive in full once its headers
 * are in; past it the caller gets a 408 and the connection is closed
 */
@Validated
@ConfigurationProperties("porter.request")
public record RequestProperties(@NotNull(message = "set REQUEST_READ_TIMEOUT") @DurationMin(millis = 1,
		message = "REQUEST_READ_TIMEOUT must be positive") @DefaultValue("10s") Duration readTimeout) {
}
