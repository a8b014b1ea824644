package dev.porter.profile.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T04:00:00Z"), ZoneOffset.UTC);

	@Test
	void waitFromWhenRetryAfterSecondsThenThatWait() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "7");
		headers.set("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() + 30));
		assertThat(RateLimitHeaders.waitFrom(headers, this.clock)).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void waitFromWhenRetryAfterHttpDateThenUntilThen() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "Sun, 22 Nov 2026 04:00:12 GMT");
		assertThat(RateLimitHeaders.waitFrom(headers, this.clock)).isEqualTo(Duration.ofSeconds(12));
	}

	@Test
	void waitFromWhenOnlyAuth0ResetThenUntilReset() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() + 3));
		assertThat(RateLimitHeaders.waitFrom(headers, this.clock)).isEqualTo(Duration.ofSeconds(3));
	}

	@ParameterizedTest
	@ValueSource(longs = { -3, 0 })
	void waitFromWhenResetNotInTheFutureThenNoWait(long secondsFromNow) {
		// Auth0's SDKs use the reset only when it is still ahead; a passed one is no
		// hint, and the retry falls back to its backoff.
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() + secondsFromNow));
		assertThat(RateLimitHeaders.waitFrom(headers, this.clock)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "Sun, 22 Nov 2026 03:59:00 GMT", "Sun, 22 Nov 2026 04:00:00 GMT" })
	void waitFromWhenRetryAfterNotInTheFutureThenNoWait(String retryAfter) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
		assertThat(RateLimitHeaders.waitFrom(headers, this.clock)).isNull();
	}

	@Test
	void waitFromWhenRetryAfterZeroAndResetAheadThenUntilReset() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "0");
		headers.set("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() + 4));
		assertThat(RateLimitHeaders.waitFrom(headers, this.clock)).isEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void waitFromWhenNoHintThenNull() {
		assertThat(RateLimitHeaders.waitFrom(new HttpHeaders(), this.clock)).isNull();
	}

}
