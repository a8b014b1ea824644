package dev.porter.gateway.login;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The login flow.
 *
 * @param timeout how long a started login may take at the IdP: the authorization request
 * (state, nonce, PKCE verifier, returnTo) lives this long in its cookie
 * @param rateLimit how many {@code /bff/login} and callback requests one client address
 * may make per period
 * @param rateLimitPeriod the period of that budget
 */
@Validated
@ConfigurationProperties("porter.login")
public record LoginProperties(@NotNull(message = "set LOGIN_TIMEOUT") @DefaultValue("5m") Duration timeout,
		@Positive(message = "LOGIN_RATE_LIMIT must be positive") @DefaultValue("60") int rateLimit,
		@NotNull(message = "set LOGIN_RATE_LIMIT_PERIOD") @DefaultValue("1m") Duration rateLimitPeriod) {

	@AssertTrue(message = "LOGIN_TIMEOUT must be between 1s and 1h")
	public boolean isTimeoutInRange() {
		return this.timeout == null || (this.timeout.compareTo(Duration.ofSeconds(1)) >= 0
				&& this.timeout.compareTo(Duration.ofHours(1)) <= 0);
	}

	@AssertTrue(message = "LOGIN_RATE_LIMIT_PERIOD must be at least 1s")
	public boolean isRateLimitPeriodPositive() {
		return this.rateLimitPeriod == null || this.rateLimitPeriod.compareTo(Duration.ofSeconds(1)) >= 0;
	}

}
