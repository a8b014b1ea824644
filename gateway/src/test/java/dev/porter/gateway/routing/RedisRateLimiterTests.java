package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.porter.gateway.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared budget against a real {@code redis-server}: two limiters (two instances)
 * draw from one counter.
 */
class RedisRateLimiterTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:00:15Z");

	private static RedisServer redis;

	private static LettuceConnectionFactory connections;

	@BeforeAll
	static void startRedis() throws Exception {
		redis = RedisServer.start();
		connections = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(redis.url()));
		connections.afterPropertiesSet();
		connections.start();
	}

	@AfterAll
	static void stopRedis() {
		if (connections != null) {
			connections.destroy();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void consumeWhenTwoInstancesShareBudgetThenThirdRequestRejectedUntilWindowEnds() {
		ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(connections);
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
