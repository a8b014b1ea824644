package dev.porter.profile.me;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.porter.profile.problem.CallerRateLimitedException;
import dev.porter.profile.testsupport.FakeTicker;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** 3 calls at once, then one every 2 s. */
class CallerUpstreamShareTests {

	private final FakeTicker ticker = new FakeTicker();

	private final CallerUpstreamShare share = new CallerUpstreamShare(
			new ApiProperties(50, Duration.ofSeconds(1), 3, Duration.ofSeconds(6), Duration.ofSeconds(4)), this.ticker);

	@Test
	void spendWhenTheCallerSpentHerShareThenTooManyRequestsNamingItAndTheWait() {
		for (int i = 0; i < 3; i++) {
			this.share.spend("auth0|a");
		}
		assertThatExceptionOfType(CallerRateLimitedException.class).isThrownBy(() -> this.share.spend("auth0|a"))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(429);
				assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
				assertThat(ex.getBody().getType().toString()).endsWith("/rate-limited");
				assertThat(ex.getBody().getDetail()).contains("3 calls per 6 s");
			});
	}

	@Test
	void spendWhenTheWaitHasPassedThenOneMoreCallNotABurst() {
		for (int i = 0; i < 3; i++) {
			this.share.spend("auth0|a");
		}
		this.ticker.advance(Duration.ofSeconds(2));
		this.share.spend("auth0|a");
		assertThatExceptionOfType(CallerRateLimitedException.class).isThrownBy(() -> this.share.spend("auth0|a"));

		// a whole period later: the burst again, and no more
		this.ticker.advance(Duration.ofSeconds(6));
		for (int i = 0; i < 3; i++) {
			this.share.spend("auth0|a");
		}
		assertThatExceptionOfType(CallerRateLimitedException.class).isThrownBy(() -> this.share.spend("auth0|a"));
	}

	@Test
	void spendWhenAnotherCallerSpentHerShareThenUnaffected() {
		for (int i = 0; i < 3; i++) {
			this.share.spend("auth0|a");
		}
		// her own three, then her own refusal
		for (int i = 0; i < 3; i++) {
			this.share.spend("auth0|b");
		}
		assertThatExceptionOfType(CallerRateLimitedException.class).isThrownBy(() -> this.share.spend("auth0|b"));
	}

}
