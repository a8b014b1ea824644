package dev.porter.gateway.logout;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemorySeenLogoutTokensTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	private final InMemorySeenLogoutTokens seen = new InMemorySeenLogoutTokens(this.clock);

	@Test
	void firstSightingWhenJtiNewThenTrueAndWhenSeenAgainThenFalse() {
		Instant forgetAt = this.clock.instant().plusSeconds(180);
		assertThat(this.seen.firstSighting("jti-1", forgetAt).block()).isTrue();
		assertThat(this.seen.firstSighting("jti-1", forgetAt).block()).isFalse();
		assertThat(this.seen.firstSighting("jti-2", forgetAt).block()).isTrue();
	}

	@Test
	void firstSightingWhenForgetTimeNotReachedThenStillRefused() {
		this.seen.firstSighting("jti-1", this.clock.instant().plusSeconds(180)).block();
		this.clock.advance(Duration.ofSeconds(179));
		assertThat(this.seen.firstSighting("jti-1", this.clock.instant().plusSeconds(180)).block()).isFalse();
	}

	@Test
	void rememberWhenForgetTimePassedThenForgotten() {
		this.seen.firstSighting("jti-1", this.clock.instant().plusSeconds(180)).block();
		this.clock.advance(Duration.ofSeconds(181));
		assertThat(this.seen.remembers("jti-1")).isFalse();
	}

	@Test
	void firstSightingWhenForgottenAfterFailedLogoutThenTrueAgainForTheRetry() {
		Instant forgetAt = this.clock.instant().plusSeconds(180);
		this.seen.firstSighting("jti-1", forgetAt).block();
		this.seen.forget("jti-1").block();
		assertThat(this.seen.firstSighting("jti-1", forgetAt).block()).isTrue();
		assertThat(this.seen.firstSighting("jti-1", forgetAt).block()).isFalse();
	}

}
