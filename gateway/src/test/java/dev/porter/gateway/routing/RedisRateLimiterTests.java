package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;

import dev.porter.gateway.routing.UserRateLimiter.Decision;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisTemplateExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared budget against a real {@code redis-server}: two limiters (two instances)
 * draw from one counter, in shares, and never admit more than the limit together.
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

	@Test
	void consumeWhenOneInstanceThenExactlyTheLimitPerWindowAndOneRoundTripPerShare() {
		MovableClock clock = new MovableClock(NOW);
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 100, Duration.ofMinutes(1), clock);
		long roundTrips = incrbys();

		assertThat(allowed(limiter, "auth0|carol", 100)).isEqualTo(100);
		assertThat(incrbys() - roundTrips).as("one INCRBY per share of 5").isEqualTo(20);
		Decision over = limiter.consume("auth0|carol").block();
		assertThat(over.allowed()).isFalse();
		assertThat(over.retryAfter()).isEqualTo(Duration.ofSeconds(45));

		clock.advance(Duration.ofSeconds(45));
		assertThat(allowed(limiter, "auth0|carol", 1)).as("the next window").isEqualTo(1);
	}

	@Test
	void consumeWhenTheBudgetIsSpentThenFurtherRequestsTurnedAwayWithoutAskingRedis() {
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 40, Duration.ofMinutes(1), clock);
		allowed(limiter, "auth0|dave", 40);
		long roundTrips = incrbys();

		assertThat(allowed(limiter, "auth0|dave", 1000)).isZero();
		assertThat(incrbys()).isEqualTo(roundTrips);
	}

	@Test
	void consumeWhenTwoInstancesShareALargeBudgetThenNeverMoreThanTheLimitTogether() {
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisRateLimiter first = new RedisRateLimiter(redis.template(), 100, Duration.ofMinutes(1), clock);
		RedisRateLimiter second = new RedisRateLimiter(redis.template(), 100, Duration.ofMinutes(1), clock);

		int allowed = 0;
		for (int i = 0; i < 150; i++) {
			allowed += allowed(first, "auth0|erin", 1) + allowed(second, "auth0|erin", 1);
		}

		// At most one share (5) short: what the other instance reserved and had not
		// spent when the budget ran out.
		assertThat(allowed).isLessThanOrEqualTo(100).isGreaterThanOrEqualTo(100 - (5 - 1));
	}

	@Test
	void consumeWhenConcurrentRequestsOnTwoInstancesThenNeverMoreThanTheLimitTogether() {
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisRateLimiter first = new RedisRateLimiter(redis.template(), 200, Duration.ofMinutes(1), clock);
		RedisRateLimiter second = new RedisRateLimiter(redis.template(), 200, Duration.ofMinutes(1), clock);

		long allowed = Flux.range(0, 600)
			.flatMap((i) -> ((i % 2 == 0) ? first : second).consume("auth0|frank"), 64)
			.filter(Decision::allowed)
			.count()
			.block();

		assertThat(allowed).isLessThanOrEqualTo(200).isGreaterThanOrEqualTo(200 - (10 - 1));
	}

	@Test
	void shareOfWhenLimitSmallOrHugeThenBetweenOneAndOneHundred() {
		assertThat(RedisRateLimiter.shareOf(2)).isEqualTo(1);
		assertThat(RedisRateLimiter.shareOf(120)).isEqualTo(6);
		assertThat(RedisRateLimiter.shareOf(1_000_000_000)).isEqualTo(RedisRateLimiter.MAX_SHARE);
	}

	private static int allowed(RedisRateLimiter limiter, String user, int requests) {
		int allowed = 0;
		for (int i = 0; i < requests; i++) {
			if (limiter.consume(user).block().allowed()) {
				allowed++;
			}
		}
		return allowed;
	}

	/** How many counter increments ({@code INCR}, {@code INCRBY}) Redis has served. */
	private static long incrbys() {
		Properties stats = redis.template()
			.execute((connection) -> connection.serverCommands().info("commandstats"))
			.blockLast();
		return calls(stats, "cmdstat_incr") + calls(stats, "cmdstat_incrby");
	}

	private static long calls(Properties stats, String command) {
		String line = stats.getProperty(command);
		return (line != null) ? Long.parseLong(line.replaceFirst("^calls=(\\d+),.*", "$1")) : 0;
	}

}
