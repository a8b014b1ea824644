package dev.porter.gateway.token;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Token refresh ahead of expiry.
 *
 * @param refreshAhead how long before its expiry an access token is refreshed rather than
 * relayed as it is
 * @param refreshWait how long a request waits for its session's refresh (its own, another
 * request's or another instance's) before it answers without it
 * @param refreshTimeout how long the refresh call itself may wait for the IdP's answer,
 * from the moment it is sent: it runs on after the requests waiting for it gave up, so
 * that the rotated refresh token is stored
 * @param refreshBackoff the wait after a failed refresh before the session's next attempt
 * @param refreshBackoffMax the longest such wait (it doubles with each failure in a row)
 */
@Validated
@ConfigurationProperties("porter.token")
public record TokenProperties(
		@NotNull(message = "set TOKEN_REFRESH_AHEAD") @DurationMin(millis = 0,
				message = "TOKEN_REFRESH_AHEAD must not be negative") @DefaultValue("60s") Duration refreshAhead,
		@NotNull(message = "set TOKEN_REFRESH_WAIT") @DurationMin(millis = 1,
				message = "TOKEN_REFRESH_WAIT must be positive") @DefaultValue("10s") Duration refreshWait,
		@NotNull(message = "set TOKEN_REFRESH_TIMEOUT") @DurationMin(millis = 1,
				message = "TOKEN_REFRESH_TIMEOUT must be between 1ms and 40s") @DurationMax(seconds = 40,
						message = "TOKEN_REFRESH_TIMEOUT must be between 1ms and 40s") @DefaultValue("30s") Duration refreshTimeout,
		@NotNull(message = "set TOKEN_REFRESH_BACKOFF") @DurationMin(millis = 1,
				message = "TOKEN_REFRESH_BACKOFF must be positive") @DefaultValue("1s") Duration refreshBackoff,
		@NotNull(message = "set TOKEN_REFRESH_BACKOFF_MAX") @DefaultValue("1m") Duration refreshBackoffMax) {

	/**
	 * Time for reading the session before the call and storing its result after (tried
	 * again while the store fails, up to {@code SessionRefresh.STORE_MARGIN} before the
	 * lease ends); fixed, so that no other setting (a short {@code TOKEN_REFRESH_WAIT})
	 * can shrink it.
	 */
	static final Duration LEASE_MARGIN = Duration.ofSeconds(10);

	@AssertTrue(message = "TOKEN_REFRESH_BACKOFF_MAX must not be shorter than TOKEN_REFRESH_BACKOFF")
	boolean isBackoffMaxAtLeastBackoff() {
		return this.refreshBackoff == null || this.refreshBackoffMax == null
				|| this.refreshBackoffMax.compareTo(this.refreshBackoff) >= 0;
	}

	/**
	 * How long a refresh may hold its session's cluster-wide lock: the longest the call
	 * may take ({@link IdpRefreshCall#longest}: sent, answered within the timeout, its ID
	 * token checked) plus {@link #LEASE_MARGIN}, so that no other instance presents the
	 * same refresh token while the call may still succeed or its result is still being
	 * stored.
	 */
	Duration lockLease() {
		return IdpRefreshCall.longest(this.refreshTimeout).plus(LEASE_MARGIN);
	}

	/**
	 * The longest one refresh may run once it holds its lock: the call, and storing its
	 * result, which is tried until {@code SessionRefresh.STORE_MARGIN} before the lease
	 * ends.
	 */
	Duration longestRefresh() {
		return lockLease().minus(SessionRefresh.STORE_MARGIN);
	}

}
