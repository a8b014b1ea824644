package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.porter.gateway.support.RedisTemplateExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared budget against a real {@code redis-server}: two limiters (two instances)
 * draw from one counter.
 */
class RedisRateLimiterTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:00:15Z");

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	@Test
	void consumeWhenTwoInstancesShareBudgetThenThirdRequestRejectedUntilWindowEnds() {
		ReactiveStringRedisTemplate template = redis.template();
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisRateLimiter first = new RedisRateLimiter(template, 2, Duration.ofMinutes(1), clock);
		RedisRateLimiter second = new RedisRateLimiter(template, 2, Duration.ofMinutes(1), clock);

		StepVerifier.create(first.consume("auth0|alice"))
			.assertNext((decision) -> assertThat(decision.allowed()).isTrue())
			.verifyComplete();
		StepVerifier.create(second.consume("auth0|alice"))
			.assertNext((decision) -> assertThat(decision.allowed()).isTrue())
			.verifyComplete();
		StepVerifier.create(first.consume("auth0|alice")).assertNext((decision) -> {
			assertThat(decision.allowed()).isFalse();
			assertThat(decision.retryAfter()).isEqualTo(Duration.ofSeconds(45));
		}).verifyComplete();
		StepVerifier.create(second.consume("auth0|bob"))
			.assertNext((decision) -> assertThat(decision.allowed()).isTrue())
			.verifyComplete();
	}

}
