package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;

/** Refresh ahead of expiry and relaying a still-valid token, to the millisecond. */
class AccessTokenExpiryTests {

	private static final Instant EXPIRES = Instant.parse("2026-12-01T13:00:00Z");

	private final MovableClock clock = new MovableClock(EXPIRES.minus(Duration.ofMinutes(5)));

	private final AccessTokenExpiry expiry = new AccessTokenExpiry(this.clock, Duration.ofSeconds(60));

	private final OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at",
			EXPIRES.minus(Duration.ofHours(1)), EXPIRES);

	@Test
	void needsRefreshWhenWithinRefreshAheadOfExpiryThenTrueAndStillValidUntilExpiry() {
		this.clock.moveTo(EXPIRES.minusSeconds(60).minusMillis(1));
		assertThat(this.expiry.needsRefresh(this.token)).isFalse();

		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.expiry.needsRefresh(this.token)).isTrue();
		assertThat(this.expiry.isStillValid(this.token)).isTrue();

		this.clock.moveTo(EXPIRES.minusMillis(1));
		assertThat(this.expiry.isStillValid(this.token)).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.expiry.isStillValid(this.token)).isFalse();
		assertThat(this.expiry.needsRefresh(this.token)).isTrue();
	}

	// A token that lives no longer than TOKEN_REFRESH_AHEAD (an IdP set to 60 s tokens)
	// would be due the moment it is issued: every relayed request would refresh, rotating
	// a refresh token each time (Auth0 keeps 200 per user and application, then revokes
	// the
	// oldest, another device's).
	@Test
	void needsRefreshWhenTokenLivesNoLongerThanRefreshAheadThenDueAtHalfItsLifetime() {
		Instant issued = EXPIRES.minusSeconds(60);
		OAuth2AccessToken shortLived = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at", issued, EXPIRES);

		this.clock.moveTo(issued.plusSeconds(1));
		assertThat(this.expiry.needsRefresh(shortLived)).isFalse();
		this.clock.moveTo(issued.plusSeconds(30).minusMillis(1));
		assertThat(this.expiry.needsRefresh(shortLived)).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.expiry.needsRefresh(shortLived)).isTrue();
	}

	@Test
	void needsRefreshWhenTokenHasNoIssueTimeThenRefreshAheadAsConfigured() {
		OAuth2AccessToken noIssueTime = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at", null, EXPIRES);

		this.clock.moveTo(EXPIRES.minusSeconds(60).minusMillis(1));
		assertThat(this.expiry.needsRefresh(noIssueTime)).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.expiry.needsRefresh(noIssueTime)).isTrue();
	}

	@Test
	void needsRefreshWhenTokenHasNoExpiryThenNeverRefreshedAndNotRelayedAsAFallback() {
		OAuth2AccessToken noExpiry = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at", null, null);

		assertThat(this.expiry.needsRefresh(noExpiry)).isFalse();
		assertThat(this.expiry.isStillValid(noExpiry)).isFalse();
	}

}
