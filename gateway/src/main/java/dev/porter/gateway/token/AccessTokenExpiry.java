package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * An access token's expiry read on the gateway's clock: when it is due for a refresh
 * (within {@code TOKEN_REFRESH_AHEAD} of expiring, at least {@link #RELAY_MARGIN}, or
 * within half its lifetime if that is shorter) and whether it may still be relayed (until
 * {@link #RELAY_MARGIN} before it expires). A token is due for a refresh no later than it
 * stops being relayed, so one that can no longer be relayed is never relayed without a
 * refresh being tried first.
 */
class AccessTokenExpiry {

	/**
	 * How long a relayed token must still live. profile-service uses it for as long as it
	 * works on the request (its {@code /userinfo} call to the IdP), at most
	 * {@code PROFILE_REQUEST_DEADLINE}, 4 s by default, which the relay's
	 * {@code RELAY_RESPONSE_TIMEOUT}, 5 s by default, is kept above. Relayed with 100 ms
	 * left, a token expired on its way, profile-service's 401 was relayed, and the SPA
	 * showed the user signed out while the session lived on; it now gets the 503 and
	 * {@code Retry-After} of a refresh that cannot be had. Fixed rather than read from
	 * the relay's setting: the relay is the token's caller, not its dependency.
	 */
	static final Duration RELAY_MARGIN = Duration.ofSeconds(5);

	private final Clock clock;

	private final Duration refreshAhead;

	AccessTokenExpiry(Clock clock, Duration refreshAhead) {
		this.clock = clock;
		this.refreshAhead = (refreshAhead.compareTo(RELAY_MARGIN) < 0) ? RELAY_MARGIN : refreshAhead;
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
		return expiresAt != null && !this.clock.instant()
			.plus(atMostHalfItsLifetime(this.refreshAhead, issuedAt, expiresAt))
			.isBefore(expiresAt);
	}

	/** A token without an expiry is not relayed in place of a fresh one. */
	boolean isRelayable(OAuth2AccessToken token) {
		return isRelayable(token.getIssuedAt(), token.getExpiresAt());
	}

	/**
	 * Whether a token with these times still outlives a relayed call: it expires more
	 * than {@link #RELAY_MARGIN} from now, or half its lifetime if that is shorter.
	 */
	boolean isRelayable(@Nullable Instant issuedAt, @Nullable Instant expiresAt) {
		return expiresAt != null && this.clock.instant()
			.plus(atMostHalfItsLifetime(RELAY_MARGIN, issuedAt, expiresAt))
			.isBefore(expiresAt);
	}

	/**
	 * {@code lead}, or half the token's lifetime if that is shorter. A token that lives
	 * no longer than the lead would otherwise be due the moment it is issued, and every
	 * request would refresh it (rotating a refresh token each time); or, for the relay's
	 * margin, never be relayed at all.
	 */
	private static Duration atMostHalfItsLifetime(Duration lead, @Nullable Instant issuedAt, Instant expiresAt) {
		if (issuedAt == null) {
			return lead;
		}
		// Not Duration.dividedBy: it goes through BigDecimal, on every relayed request.
		Duration halfLifetime = Duration.ofNanos(Duration.between(issuedAt, expiresAt).toNanos() / 2);
		return (halfLifetime.compareTo(lead) < 0) ? halfLifetime : lead;
	}

}
