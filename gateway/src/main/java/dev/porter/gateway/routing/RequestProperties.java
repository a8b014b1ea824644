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
 * @param connectionIdleTimeout how long a connection may carry no request being worked
 * on: waiting for a request's whole head from the connection's start or the previous
 * answer's end, or sending the rest of an answered request's body; past it the connection
 * is closed ({@link IdleConnections})
 */
@Validated
@ConfigurationProperties("porter.request")
public record RequestProperties(
		@NotNull(message = "set REQUEST_READ_TIMEOUT") @DurationMin(millis = 1,
				message = "REQUEST_READ_TIMEOUT must be positive") @DefaultValue("10s") Duration readTimeout,
		@NotNull(message = "set CONNECTION_IDLE_TIMEOUT") @DurationMin(millis = 1,
				message = "CONNECTION_IDLE_TIMEOUT must be positive") @DefaultValue("65s") Duration connectionIdleTimeout) {
}
