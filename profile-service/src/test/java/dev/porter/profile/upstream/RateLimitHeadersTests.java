package dev.porter.profile.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

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

	@Test
	void waitFromWhenResetInThePastThenZero() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-RateLimit-Reset", Long.toString(this.clock.instant().getEpochSecond() - 3));
		assertThat(RateLimitHeaders.waitFrom(headers, this.clock)).isZero();
	}

	@Test
	void waitFromWhenNoHintThenNull() {
		assertThat(RateLimitHeaders.waitFrom(new HttpHeaders(), this.clock)).isNull();
	}

}
