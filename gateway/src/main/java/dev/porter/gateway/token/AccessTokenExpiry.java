package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * An access token's expiry read on the gateway's clock: when it is due for a refresh
 * (within {@code TOKEN_REFRESH_AHEAD} of expiring, or within half its lifetime if that is
 * shorter) and whether it may still be relayed.
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
		return needsRefresh(token.getIssuedAt(), token.getExpiresAt());
	}

	/**
	 * As {@link #needsRefresh(OAuth2AccessToken)}, from the token's times alone: the
	 * relay asks on every request, of the times the session holds.
	 */
	boolean needsRefresh(@Nullable Instant issuedAt, @Nullable Instant expiresAt) {
		return expiresAt != null && !this.clock.instant().plus(ahead(issuedAt, expiresAt)).isBefore(expiresAt);
	}

	/**
	 * The lead time: the configured one, or half the token's lifetime if that is shorter.
	 * A token that lives no longer than the configured lead time would otherwise be due
	 * the moment it is issued, and every request would refresh it (rotating a refresh
	 * token each time).
	 */
	private Duration ahead(@Nullable Instant issuedAt, Instant expiresAt) {
		if (issuedAt == null) {
			return this.refreshAhead;
		}
		// Not Duration.dividedBy: it goes through BigDecimal, on every relayed request.
		Duration halfLifetime = Duration.ofNanos(Duration.between(issuedAt, expiresAt).toNanos() / 2);
		return (halfLifetime.compareTo(this.refreshAhead) < 0) ? halfLifetime : this.refreshAhead;
	}

	/** A token without an expiry is not relayed in place of a fresh one. */
	boolean isStillValid(OAuth2AccessToken token) {
		return isStillValid(token.getExpiresAt());
	}

	boolean isStillValid(@Nullable Instant expiresAt) {
		return expiresAt != null && this.clock.instant().isBefore(expiresAt);
	}

}
