package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * An access token's expiry read on the gateway's clock: when it is due for a refresh
 * (within {@code TOKEN_REFRESH_AHEAD} of expiring, or past half its lifetime if it lives
 * no longer than that) and whether it may still be relayed.
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
		return expiresAt != null && !this.clock.instant().plus(ahead(token, expiresAt)).isBefore(expiresAt);
	}

	/**
	 * A token that lives no longer than the configured lead time would be due the moment
	 * it is issued, and every request would refresh it (rotating a refresh token each
	 * time); such a token is refreshed past half its lifetime instead.
	 */
	private Duration ahead(OAuth2AccessToken token, Instant expiresAt) {
		Instant issuedAt = token.getIssuedAt();
		if (issuedAt == null) {
			return this.refreshAhead;
		}
		Duration halfLifetime = Duration.between(issuedAt, expiresAt).dividedBy(2);
		return (halfLifetime.compareTo(this.refreshAhead) < 0) ? halfLifetime : this.refreshAhead;
	}

	/** A token without an expiry is not relayed in place of a fresh one. */
	boolean isStillValid(OAuth2AccessToken token) {
		Instant expiresAt = token.getExpiresAt();
		return expiresAt != null && this.clock.instant().isBefore(expiresAt);
	}

}
