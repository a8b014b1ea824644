package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

import io.lettuce.core.api.sync.RedisCommands;
import dev.porter.gateway.routing.UserRateLimiter.Decision;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.RedisTemplateExtension;
import dev.porter.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared budget against a real {@code redis-server}: two limiters (two instances)
 * draw from one counter, in shares, and never admit more than the limit together.
 */
@ExtendWith(OutputCaptureExtension.class)
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

		// At most one and a half shares (5) short: what the other instance reserved and
		// had not spent when the budget ran out, half a share and the one reserved ahead.
		assertThat(allowed).isLessThanOrEqualTo(100).isGreaterThanOrEqualTo(100 - (5 / 2 + 5));
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

		assertThat(allowed).isLessThanOrEqualTo(200).isGreaterThanOrEqualTo(200 - (10 / 2 + 10));
	}

	@Test
	void consumeWhenHalfTheShareIsSpentThenTheNextIsReservedBeforeItRunsOut() throws InterruptedException {
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 100, Duration.ofMinutes(1), clock);

		assertThat(allowed(limiter, "auth0|grace", 3)).isEqualTo(3);

		// Two of the share of 5 left: the next share is on its way, with no request
		// waiting for it. Polled, as it comes back in the background.
		assertThat(counterWithin("auth0|grace", "10", Duration.ofSeconds(5))).as("what Redis has handed out")
			.isEqualTo("10");
		long roundTrips = incrbys();
		assertThat(allowed(limiter, "auth0|grace", 4)).isEqualTo(4);
		assertThat(incrbys() - roundTrips).as("the requests that spent the share ahead asked Redis for nothing")
			.isZero();
	}

	@Test
	void consumeWhenManyConcurrentRequestsFindNoShareThenOneRoundTripServesThem() {
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 1_000_000, Duration.ofMinutes(1), clock);
		long roundTrips = incrbys();

		long allowed = Flux.range(0, 40)
			.flatMap((i) -> limiter.consume("auth0|heidi"), 40)
			.filter(Decision::allowed)
			.count()
			.block();

		assertThat(allowed).isEqualTo(40);
		// One share of 100 serves all forty, and the 60 left are more than half of it.
		assertThat(incrbys() - roundTrips).as("INCRBYs for forty requests arriving together").isEqualTo(1);
	}

	/**
	 * An earlier increment whose reply was lost (a timeout) left the counter without an
	 * expiry: the next reservation gives it one, or the key, naming the user, stays for
	 * good.
	 */
	@Test
	void consumeWhenAnEarlierIncrementsReplyWasLostThenTheCounterStillExpires() {
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 100, Duration.ofMinutes(1), clock);
		String key = "porter:rate:auth0|ivan:" + NOW.minusSeconds(15).toEpochMilli();
		redis.template().opsForValue().increment(key, RedisRateLimiter.shareOf(100)).block();

		assertThat(allowed(limiter, "auth0|ivan", 1)).isEqualTo(1);

		assertThat(redis.template().getExpire(key).block()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
	}

	/**
	 * A full Redis ({@code maxmemory} reached under {@code noeviction}) refuses the
	 * counter's {@code INCRBY} while it still serves the sessions: the budget must not
	 * fail every request that reaches it. This instance grants each budget the limit per
	 * window of its own, as one process does, and says so once, naming Redis' refusal.
	 */
	@Test
	void consumeWhenRedisIsFullThenThisInstanceGrantsTheLimitOfItsOwnAndWarnsOnce(CapturedOutput output) {
		MovableClock clock = new MovableClock(NOW);
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 2, Duration.ofMinutes(1), clock);
		admin((commands) -> commands.configSet("maxmemory", "1"));
		try {
			assertThat(allowed(limiter, "auth0|judy", 2)).isEqualTo(2);
			Decision over = limiter.consume("auth0|judy").block();
			assertThat(over.allowed()).isFalse();
			assertThat(over.retryAfter()).isEqualTo(Duration.ofSeconds(45));
			assertThat(allowed(limiter, "auth0|ken", 1)).as("another user's budget").isEqualTo(1);

			clock.advance(Duration.ofSeconds(45));
			assertThat(allowed(limiter, "auth0|judy", 2)).as("the next window, Redis still full").isEqualTo(2);
		}
		finally {
			admin((commands) -> commands.configSet("maxmemory", "0"));
		}

		List<String> warnings = output.getOut().lines().filter((line) -> line.contains("WARN")).toList();
		assertThat(warnings).hasSize(1);
		assertThat(warnings.get(0)).contains("Redis answered OOM").contains("maxmemory").contains("its own");
		assertThat(output).doesNotContain("command not allowed").doesNotContain("auth0|");
	}

	/**
	 * A replica (an old primary after a failover, until this instance reconnects to the
	 * new one) refuses the write as a full Redis does, and serves the sessions as well.
	 */
	@Test
	void consumeWhenRedisIsAReplicaThenThisInstanceGrantsFromItsOwnBudget(CapturedOutput output) {
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 2, Duration.ofMinutes(1),
				Clock.fixed(NOW, ZoneOffset.UTC));
		admin((commands) -> commands.replicaof("127.0.0.1", 1));
		try {
			assertThat(allowed(limiter, "auth0|liam", 3)).isEqualTo(2);
		}
		finally {
			admin(RedisCommands::replicaofNoOne);
		}

		assertThat(output).contains("Redis answered READONLY");
	}

	@Test
	void consumeWhenRedisTakesWritesAgainThenTheBudgetIsSharedAgain(CapturedOutput output) {
		MovableClock clock = new MovableClock(NOW);
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 100, Duration.ofMinutes(1), clock);
		admin((commands) -> commands.configSet("maxmemory", "1"));
		try {
			assertThat(allowed(limiter, "auth0|mia", 1)).isEqualTo(1);
		}
		finally {
			admin((commands) -> commands.configSet("maxmemory", "0"));
		}
		long roundTrips = incrbys();

		clock.advance(Duration.ofSeconds(1));
		assertThat(allowed(limiter, "auth0|mia", 1)).isEqualTo(1);

		assertThat(incrbys() - roundTrips).as("shares reserved in Redis again").isEqualTo(1);
		assertThat(output).contains("shared again");
	}

	/**
	 * A Redis at its {@code maxmemory} frees some as keys expire, so its writes come and
	 * go: each turn is not worth a line, at most one of each kind a minute, with a count.
	 */
	@Test
	void consumeWhenRedisKeepsFillingAndFreeingThenItsLinesAtMostOnceAMinute(CapturedOutput output) {
		MovableClock clock = new MovableClock(NOW);
		RedisRateLimiter limiter = new RedisRateLimiter(redis.template(), 100, Duration.ofMinutes(10), clock);
		for (int turn = 0; turn < 5; turn++) {
			admin((commands) -> commands.configSet("maxmemory", "1"));
			try {
				assertThat(allowed(limiter, "auth0|olga", 1)).isEqualTo(1);
			}
			finally {
				admin((commands) -> commands.configSet("maxmemory", "0"));
			}
			clock.advance(RedisRateLimiter.OWN_BUDGET_AFTER_REFUSAL);
			// The share just reserved lasts a while: ask Redis for a new one.
			assertThat(allowed(limiter, "auth0|olga-" + turn, 1)).isEqualTo(1);
			clock.advance(Duration.ofSeconds(1));
		}

		assertThat(output.getOut().lines().filter((line) -> line.contains("rate limit not counted in Redis")))
			.hasSize(1);
		assertThat(output.getOut().lines().filter((line) -> line.contains("counted in Redis again"))).hasSize(1);

		clock.advance(Duration.ofMinutes(1));
		admin((commands) -> commands.configSet("maxmemory", "1"));
		try {
			assertThat(allowed(limiter, "auth0|olga-later", 1)).isEqualTo(1);
		}
		finally {
			admin((commands) -> commands.configSet("maxmemory", "0"));
		}
		assertThat(output.getOut().lines().filter((line) -> line.contains("rate limit not counted in Redis")))
			.hasSize(2)
			.last()
			.asString()
			.contains("5 times since the last report");
	}

	/**
	 * A Redis that does not answer at all serves no session either: the budget fails as
	 * the session's read does, the session store's 503, and grants nothing of its own.
	 */
	@Test
	void consumeWhenRedisDoesNotAnswerThenTheStoresFailure() {
		LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
				LettuceConnectionFactory.createRedisConfiguration("redis://127.0.0.1:" + FreePorts.next()));
		nowhere.afterPropertiesSet();
		nowhere.start();
		try {
			RedisRateLimiter limiter = new RedisRateLimiter(new ReactiveStringRedisTemplate(nowhere), 2,
					Duration.ofMinutes(1), Clock.fixed(NOW, ZoneOffset.UTC));

			StepVerifier.create(limiter.consume("auth0|noah")).expectError().verify(Duration.ofSeconds(10));
		}
		finally {
			nowhere.destroy();
		}
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

	/** The user's counter in Redis once it reads {@code expected}, or at the deadline. */
	private static String counterWithin(String user, String expected, Duration limit) throws InterruptedException {
		String key = "porter:rate:" + user + ":" + NOW.minusSeconds(15).toEpochMilli();
		Instant deadline = Instant.now().plus(limit);
		String value = redis.template().opsForValue().get(key).block();
		while (!expected.equals(value) && Instant.now().isBefore(deadline)) {
			Thread.sleep(10); // polling what comes back in the background, bounded
			value = redis.template().opsForValue().get(key).block();
		}
		return value;
	}

	/** What an operator's {@code redis-cli} does to the class's Redis, answered OK. */
	private static void admin(Function<RedisCommands<String, String>, String> command) {
		assertThat(RedisAdmin.call(redis.server().url(), command)).isEqualTo("OK");
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
