package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * An access token's expiry read on the gateway's clock: when it is due for a refresh
 * (within {@code TOKEN_REFRESH_AHEAD} of expiring) and whether it may still be relayed.
 */
class AccessTokenExpiry {

	private final Clock clock;

	private final Duration refreshAhead;

	AccessTokenExpiry(Clock clock, Duration refreshAhead) {
		this.clock = clock;
		this.refreshAhead = refreshAhead;
	}

	/** A token without an expiry is never refreshed. */
	boolean needsRefresh(OAuth2AccessToken token) {
		Instant expiresAt = token.getExpiresAt();
		return expiresAt != null && !this.clock.instant().plus(this.refreshAhead).isBefore(expiresAt);
	}

	/** A token without an expiry is not relayed in place of a fresh one. */
	boolean isStillValid(OAuth2AccessToken token) {
		Instant expiresAt = token.getExpiresAt();
		return expiresAt != null && this.clock.instant().isBefore(expiresAt);
	}

}
