package dev.porter.profile.upstream;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.testsupport.RedisServer;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The Management API budget every instance spends together, against a real
 * {@code redis-server}: four calls at once, then one every 250 ms, for all instances.
 */
class SharedCallBudgetTests {

	private static final Duration PERIOD = Duration.ofSeconds(1);

	private static final Duration MAX_WAIT = Duration.ofSeconds(1);

	private static RedisServer redis;

	private final MutableClock clock = new MutableClock();

	private final String name = "test-" + System.nanoTime();

	private LettuceConnectionFactory factory;

	@BeforeAll
	static void startRedis() throws Exception {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@AfterEach
	void closeConnections() {
		if (this.factory != null) {
			this.factory.destroy();
		}
	}

	@Test
	void reserveWhenTwoInstancesSpendTogetherThenTheyShareOneBudget() {
		SharedCallBudget first = budget(redis.url(), local(100));
		SharedCallBudget second = budget(redis.url(), local(100));

		expectWait(first, Duration.ZERO);
		expectWait(second, Duration.ZERO);
		expectWait(first, Duration.ZERO);
		expectWait(second, Duration.ZERO);
		expectWait(first, Duration.ofMillis(250));
		expectWait(second, Duration.ofMillis(500));
		expectWait(first, Duration.ofMillis(750));
		expectWait(second, Duration.ofMillis(1000));
		StepVerifier.create(first.reserve()).expectError(RequestNotPermitted.class).verify(Duration.ofSeconds(5));
	}

	// A refused call reserves nothing: otherwise callers turned away would push every
	// later call's place further out.
	@Test
	void reserveWhenRefusedThenNothingIsReserved() {
		SharedCallBudget budget = budget(redis.url(), local(100));
		for (int i = 0; i < 8; i++) {
			StepVerifier.create(budget.reserve()).expectNextCount(1).verifyComplete();
		}
		StepVerifier.create(budget.reserve()).expectError(RequestNotPermitted.class).verify(Duration.ofSeconds(5));
		StepVerifier.create(budget.reserve()).expectError(RequestNotPermitted.class).verify(Duration.ofSeconds(5));

		this.clock.advance(Duration.ofMillis(250));
		expectWait(budget, Duration.ofMillis(1000));
	}

	@Test
	void reserveWhenThePeriodHasPassedThenTheWholeBudgetIsBack() {
		SharedCallBudget budget = budget(redis.url(), local(100));
		for (int i = 0; i < 8; i++) {
			StepVerifier.create(budget.reserve()).expectNextCount(1).verifyComplete();
		}

		this.clock.advance(Duration.ofSeconds(2));
		for (int i = 0; i < 4; i++) {
			expectWait(budget, Duration.ZERO);
		}
		expectWait(budget, Duration.ofMillis(250));
	}

	// Redis is never needed to answer: without it, this instance spends its own budget,
	// and asks Redis again only a second later, so an unreachable Redis does not cost
	// every call a command timeout.
	@Test
	void spendWhenRedisFailsThenTheOwnBudgetServesAndRedisIsAskedAgainASecondLater() throws Exception {
		int port = RedisServer.freePort();
		SharedCallBudget budget = budget("redis://127.0.0.1:" + port, local(1));

		StepVerifier.create(budget.spend()).verifyComplete();
		try (RedisServer late = RedisServer.startOn(port)) {
			StepVerifier.create(budget.spend())
				.as("still on its own budget, of one call")
				.expectError(RequestNotPermitted.class)
				.verify(Duration.ofSeconds(5));

			this.clock.advance(Duration.ofSeconds(1));
			StepVerifier.create(budget.spend()).as("the shared budget again").verifyComplete();
		}
	}

	private static void expectWait(SharedCallBudget budget, Duration wait) {
		StepVerifier.create(budget.reserve()).expectNext(wait).verifyComplete();
	}

	private SharedCallBudget budget(String url, LocalCallBudget local) {
		if (this.factory == null) {
			this.factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(url),
					LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(500)).build());
			this.factory.start();
		}
		return new SharedCallBudget(this.name, new ReactiveStringRedisTemplate(this.factory), local, 4, PERIOD,
				MAX_WAIT, this.clock);
	}

	/** An instance's own budget: {@code calls} per hour, none waiting. */
	private static LocalCallBudget local(int calls) {
		return new LocalCallBudget(RateLimiter.of("own",
				RateLimiterConfig.custom()
					.limitForPeriod(calls)
					.limitRefreshPeriod(Duration.ofHours(1))
					.timeoutDuration(Duration.ZERO)
					.build()));
	}

}
