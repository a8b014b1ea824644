package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryRateLimiterTests {

	private static final Instant WINDOW_START = Instant.parse("2026-11-22T10:00:00Z");

	@Test
	void consumeWhenWithinBudgetThenAllowed() {
		InMemoryRateLimiter limiter = limiter(WINDOW_START.plusSeconds(10));
		for (int i = 0; i < 3; i++) {
			StepVerifier.create(limiter.consume("alice"))
				.assertNext((decision) -> assertThat(decision.allowed()).isTrue())
				.verifyComplete();
		}
	}

	@Test
	void consumeWhenBudgetExhaustedThenRejectedUntilWindowEnds() {
		InMemoryRateLimiter limiter = limiter(WINDOW_START.plusSeconds(10));
		for (int i = 0; i < 3; i++) {
			limiter.consume("alice").block();
		}
		StepVerifier.create(limiter.consume("alice")).assertNext((decision) -> {
			assertThat(decision.allowed()).isFalse();
			assertThat(decision.retryAfter()).isEqualTo(Duration.ofSeconds(50));
		}).verifyComplete();
	}

	@Test
	void consumeWhenOtherUserExhaustedThenStillAllowed() {
		InMemoryRateLimiter limiter = limiter(WINDOW_START);
		for (int i = 0; i < 4; i++) {
			limiter.consume("alice").block();
		}
		StepVerifier.create(limiter.consume("bob"))
			.assertNext((decision) -> assertThat(decision.allowed()).isTrue())
			.verifyComplete();
	}

	private static InMemoryRateLimiter limiter(Instant now) {
		return new InMemoryRateLimiter(3, Duration.ofMinutes(1), Clock.fixed(now, ZoneOffset.UTC));
	}

}
