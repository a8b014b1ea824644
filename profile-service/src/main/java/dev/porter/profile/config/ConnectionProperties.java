package dev.porter.profile.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long the service keeps a client's connection.
 *
 * @param idleTimeout how long a connection may carry no request being worked on
 * ({@code CONNECTION_IDLE_TIMEOUT}): waiting for a request's whole head from the
 * connection's start or the previous answer's end, or sending the rest of an answered
 * request's body; past it the connection is closed ({@link IdleConnections})
 */
@Validated
@ConfigurationProperties("porter.connection")
public record ConnectionProperties(@NotNull(message = "set CONNECTION_IDLE_TIMEOUT") @DurationMin(millis = 1,
		message = "CONNECTION_IDLE_TIMEOUT must be positive") @DefaultValue("60s") Duration idleTimeout) {
}
