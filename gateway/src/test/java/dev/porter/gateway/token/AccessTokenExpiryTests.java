package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refresh ahead of expiry and relaying a token that lasts the relayed call, to the
 * millisecond.
 */
class AccessTokenExpiryTests {

	private static final Instant EXPIRES = Instant.parse("2026-12-01T13:00:00Z");

	private static final Duration RELAY_MARGIN = AccessTokenExpiry.RELAY_MARGIN;

	private final MovableClock clock = new MovableClock(EXPIRES.minus(Duration.ofMinutes(5)));

	private final AccessTokenExpiry expiry = new AccessTokenExpiry(this.clock, Duration.ofSeconds(60));

	private final OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at",
			EXPIRES.minus(Duration.ofHours(1)), EXPIRES);

	@Test
	void needsRefreshWhenWithinRefreshAheadOfExpiryThenTrueAndRelayableUntilTheRelayMarginBeforeExpiry() {
		this.clock.moveTo(EXPIRES.minusSeconds(60).minusMillis(1));
		assertThat(this.expiry.needsRefresh(this.token)).isFalse();

		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.expiry.needsRefresh(this.token)).isTrue();
		assertThat(this.expiry.isRelayable(this.token)).isTrue();

		this.clock.moveTo(EXPIRES.minus(RELAY_MARGIN).minusMillis(1));
		assertThat(this.expiry.isRelayable(this.token)).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.expiry.isRelayable(this.token)).isFalse();
		assertThat(this.expiry.needsRefresh(this.token)).isTrue();
	}

	// Relayed with 100 ms left while its refresh failed, the token reached
	// profile-service, whose /userinfo call found it expired: its 401 was relayed, and
	// the SPA showed the user signed out while her session lived on.
	@Test
	void isRelayableWhenTheTokenExpiresWithinTheRelayMarginThenNot() {
		this.clock.moveTo(EXPIRES.minusMillis(100));

		assertThat(this.expiry.isRelayable(this.token)).isFalse();
		assertThat(this.expiry.isRelayable(this.token.getIssuedAt(), this.token.getExpiresAt())).isFalse();
	}

	// TOKEN_REFRESH_AHEAD=0: no refresh was due until expiry, so a token past the relay
	// margin would have been relayed as it is, without a refresh being tried.
	@Test
	void needsRefreshWhenRefreshAheadShorterThanTheRelayMarginThenDueOnceTheTokenNoLongerLastsTheRelay() {
		AccessTokenExpiry noLead = new AccessTokenExpiry(this.clock, Duration.ZERO);

		this.clock.moveTo(EXPIRES.minus(RELAY_MARGIN).minusMillis(1));
		assertThat(noLead.needsRefresh(this.token)).isFalse();
		assertThat(noLead.isRelayable(this.token)).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(noLead.needsRefresh(this.token)).isTrue();
		assertThat(noLead.isRelayable(this.token)).isFalse();
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

	// A token that lives no longer than twice the margin (an IdP set to 6 s tokens) would
	// never be relayed: it is relayed for half its lifetime, and due for a refresh then.
	@Test
	void isRelayableWhenTokenLivesNoLongerThanTwiceTheRelayMarginThenForHalfItsLifetime() {
		Instant issued = EXPIRES.minusSeconds(6);
		OAuth2AccessToken shortLived = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at", issued, EXPIRES);

		this.clock.moveTo(issued.plusSeconds(3).minusMillis(1));
		assertThat(this.expiry.isRelayable(shortLived)).isTrue();
		assertThat(this.expiry.needsRefresh(shortLived)).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.expiry.isRelayable(shortLived)).isFalse();
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
		assertThat(this.expiry.isRelayable(noExpiry)).isFalse();
	}

}
