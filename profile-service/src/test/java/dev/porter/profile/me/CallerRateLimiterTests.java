package dev.porter.profile.me;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.porter.profile.problem.CallerRateLimitedException;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class CallerRateLimiterTests {

	private final CallerRateLimiter limiter = new CallerRateLimiter(
			new ApiProperties(2, Duration.ofMinutes(1), 5, Duration.ofSeconds(5), Duration.ofSeconds(4)));

	@Test
	void acquireWhenCallerExceedsBudgetThenTooManyRequestsWithRetryAfter() {
		this.limiter.acquire("auth0|a");
		this.limiter.acquire("auth0|a");
		assertThatExceptionOfType(CallerRateLimitedException.class).isThrownBy(() -> this.limiter.acquire("auth0|a"))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(429);
				assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("60");
				assertThat(ex.getBody().getType().toString()).endsWith("/rate-limited");
			});
	}

	@Test
	void acquireWhenAnotherCallerSpentTheirBudgetThenUnaffected() {
		this.limiter.acquire("auth0|a");
		this.limiter.acquire("auth0|a");
		assertThatNoException().isThrownBy(() -> this.limiter.acquire("auth0|b"));
	}

}
