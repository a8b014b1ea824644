package dev.porter.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T04:00:00Z"), ZoneOffset.UTC);

	private final Map<String, String> headers = new HashMap<>();

	@Test
	void waitFromWhenRetryAfterSecondsThenThatWait() {
		this.headers.put("Retry-After", "7");
		this.headers.put("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() + 30));
		assertThat(waitFrom()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void waitFromWhenRetryAfterHttpDateThenUntilThen() {
		this.headers.put("Retry-After", "Sun, 22 Nov 2026 04:00:12 GMT");
		assertThat(waitFrom()).isEqualTo(Duration.ofSeconds(12));
	}

	@Test
	void waitFromWhenOnlyAuth0ResetThenUntilReset() {
		this.headers.put("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() + 3));
		assertThat(waitFrom()).isEqualTo(Duration.ofSeconds(3));
	}

	@ParameterizedTest
	@ValueSource(longs = { -3, 0 })
	void waitFromWhenResetNotInTheFutureThenNoWait(long secondsFromNow) {
		// Auth0's SDKs use the reset only when it is still ahead; a passed one is no
		// hint, and the caller falls back to its backoff.
		this.headers.put("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() + secondsFromNow));
		assertThat(waitFrom()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "-5", "Sun, 22 Nov 2026 03:59:00 GMT", "Sun, 22 Nov 2026 04:00:00 GMT" })
	void waitFromWhenRetryAfterNotInTheFutureThenNoWait(String retryAfter) {
		this.headers.put("Retry-After", retryAfter);
		assertThat(waitFrom()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "soon", " ", "1.5", "99999999999999999999" })
	void waitFromWhenUnreadableThenNoWait(String value) {
		this.headers.put("Retry-After", value);
		this.headers.put("X-RateLimit-Reset", value);
		assertThat(waitFrom()).isNull();
	}

	@Test
	void waitFromWhenResetBeyondWhatAnInstantHoldsThenNoWait() {
		this.headers.put("X-RateLimit-Reset", Long.toString(Long.MAX_VALUE));
		assertThat(waitFrom()).isNull();
	}

	@Test
	void waitFromWhenRetryAfterZeroAndResetAheadThenUntilReset() {
		this.headers.put("Retry-After", "0");
		this.headers.put("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() + 4));
		assertThat(waitFrom()).isEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void waitFromWhenNoHintThenNull() {
		assertThat(waitFrom()).isNull();
	}

	private Duration waitFrom() {
		return RateLimitHeaders.waitFrom(this.headers::get, this.clock);
	}

}
