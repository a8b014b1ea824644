package dev.porter.gateway.token;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Token refresh ahead of expiry.
 *
 * @param refreshAhead an access token expiring within this is refreshed before it is
 * relayed
 * @param refreshWait how long a request waits for another request's (or instance's)
 * refresh of the same session
 */
@Validated
@ConfigurationProperties("porter.token")
public record TokenProperties(@NotNull(message = "set TOKEN_REFRESH_AHEAD") @DefaultValue("60s") Duration refreshAhead,
		@NotNull(message = "set TOKEN_REFRESH_WAIT") @DefaultValue("10s") Duration refreshWait) {
}
