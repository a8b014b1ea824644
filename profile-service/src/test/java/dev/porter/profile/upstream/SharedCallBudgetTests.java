package dev.porter.profile.upstream;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.PausingRedis;
import dev.porter.testsupport.RedisServer;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * The Management API budget every instance spends together, against a real
 * {@code redis-server}: four calls at once, then one every quarter period, for all
 * instances, on Redis's clock.
 */
@ExtendWith(OutputCaptureExtension.class)
class SharedCallBudgetTests {

	/**
	 * Long enough that the moments between the test's calls, which Redis's clock counts,
	 * stay far below one interval.
	 */
	private static final Duration PERIOD = Duration.ofSeconds(100);

	private static final Duration INTERVAL = PERIOD.dividedBy(4);

	private static final Duration MAX_WAIT = PERIOD;

	/**
	 * More than the test's calls can take on a busy machine; far less than an interval.
	 */
	private static final Duration SLACK = Duration.ofSeconds(5);

	/**
	 * Long enough for the first call to connect on a busy machine (the build runs two
	 * modules' tests at once): these tests are about the budget, not a slow Redis.
	 */
	private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Far longer than the moment between the test's subscribe and its check, so that the
	 * answer of a silent Redis cannot come in between by its timeout.
	 */
	private static final Duration SILENT_REDIS_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Shorter than Redis takes to answer once paused, so that the call gives up first.
	 */
	private static final Duration SLOW_REDIS_TIMEOUT = Duration.ofMillis(500);

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
		SharedCallBudget first = budget(redis.url(), local(100), this.clock);
		SharedCallBudget second = budget(redis.url(), local(100), this.clock);

		for (SharedCallBudget budget : List.of(first, second, first, second)) {
			expectWaitAbout(budget, Duration.ZERO);
		}
		expectWaitAbout(first, INTERVAL);
		expectWaitAbout(second, INTERVAL.multipliedBy(2));
		expectWaitAbout(first, INTERVAL.multipliedBy(3));
		expectWaitAbout(second, INTERVAL.multipliedBy(4));
		StepVerifier.create(first.reserve()).expectError(RequestNotPermitted.class).verify(Duration.ofSeconds(5));
	}

	// Each instance stated the time from its own clock: one running two seconds ahead
	// pushed the shared budget out of reach of the others, which refused every call.
	@Test
	void reserveWhenTheInstancesClocksDisagreeThenTheyStillShareOneBudget() {
		MutableClock behind = new MutableClock();
		behind.advance(Duration.ofSeconds(-2));
		SharedCallBudget ahead = budget(redis.url(), local(100), this.clock, 4, Duration.ofSeconds(1),
				Duration.ofSeconds(1));
		SharedCallBudget lagging = budget(redis.url(), local(100), behind, 4, Duration.ofSeconds(1),
				Duration.ofSeconds(1));
		for (int i = 0; i < 4; i++) {
			StepVerifier.create(ahead.reserve()).expectNextCount(1).verifyComplete();
		}

		StepVerifier.create(lagging.reserve())
			.assertNext((wait) -> assertThat(wait).isLessThanOrEqualTo(Duration.ofMillis(250)))
			.verifyComplete();
	}

	// A refused call reserves nothing: otherwise callers turned away would push every
	// later call's place further out.
	@Test
	void reserveWhenRefusedThenNothingIsReserved() {
		SharedCallBudget budget = budget(redis.url(), local(100), this.clock);
		for (int i = 0; i < 8; i++) {
			StepVerifier.create(budget.reserve()).expectNextCount(1).verifyComplete();
		}
		String reserved = stored();

		StepVerifier.create(budget.reserve()).expectError(RequestNotPermitted.class).verify(Duration.ofSeconds(5));
		StepVerifier.create(budget.reserve()).expectError(RequestNotPermitted.class).verify(Duration.ofSeconds(5));

		assertThat(stored()).isEqualTo(reserved);
	}

	// A call nobody waits for (a cache's revalidation) takes the burst's places while
	// they are free, and none in the wait: every stale entry revalidated at once took
	// them all, and a sign-in's load found the wait full too.
	@Test
	void spendNowWhenNoCallIsFreeAtOnceThenRefusedReservingNothingAndTheWaitLeftToOthers() {
		SharedCallBudget first = budget(redis.url(), local(100), this.clock);
		SharedCallBudget second = budget(redis.url(), local(100), this.clock);
		for (int i = 0; i < 4; i++) {
			StepVerifier.create(first.spendNow()).as("free at once").verifyComplete();
		}
		String reserved = stored();

		for (SharedCallBudget budget : List.of(first, second, first, second)) {
			StepVerifier.create(budget.spendNow()).expectError(RequestNotPermitted.class).verify(Duration.ofSeconds(5));
		}

		assertThat(stored()).isEqualTo(reserved);
		expectWaitAbout(second, INTERVAL);
	}

	// While Redis fails, the instance's own budget serves: there too only a call that
	// may go at once.
	@Test
	void spendNowWhenRedisFailsThenTheOwnBudgetServesOnlyWhatIsFreeAtOnce() {
		LocalCallBudget own = new LocalCallBudget(RateLimiter.of("own-waiting",
				RateLimiterConfig.custom()
					.limitForPeriod(1)
					.limitRefreshPeriod(Duration.ofHours(1))
					.timeoutDuration(Duration.ofHours(1))
					.build()));
		SharedCallBudget budget = budget("redis://127.0.0.1:" + RedisServer.freePort(), own, this.clock);

		StepVerifier.create(budget.spendNow()).verifyComplete();
		StepVerifier.create(budget.spendNow()).expectError(RequestNotPermitted.class).verify(Duration.ofSeconds(5));
	}

	// The key lives until the budget has filled up again: an idle budget leaves nothing.
	@Test
	void reserveWhenABurstWasSpentThenTheKeyLivesUntilTheBudgetIsWholeAgain() {
		SharedCallBudget budget = budget(redis.url(), local(100), this.clock);
		for (int i = 0; i < 4; i++) {
			StepVerifier.create(budget.reserve()).expectNextCount(1).verifyComplete();
		}

		Long ttl = this.factory.getConnection().keyCommands().pTtl(key().getBytes(StandardCharsets.UTF_8));
		assertThat(ttl).isBetween(PERIOD.toMillis() - SLACK.toMillis(), PERIOD.toMillis() + 1000);
	}

	// Redis is never needed to answer: without it, this instance spends its own budget,
	// and asks Redis again only a second later, so an unreachable Redis does not cost
	// every call a command timeout.
	@Test
	void spendWhenRedisFailsThenTheOwnBudgetServesAndRedisIsAskedAgainASecondLater() throws Exception {
		int port = RedisServer.freePort();
		SharedCallBudget budget = budget("redis://127.0.0.1:" + port, local(1), this.clock);

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

	// The second on its own budget ends at an instant on the wall clock: stepped back an
	// hour (a VM restored, NTP), each instance skipped Redis and spent the tenant's whole
	// budget of its own for an hour. An end further ahead than that second is taken as
	// passed.
	@Test
	void spendWhenTheClockStepsBackAfterRedisFailedThenRedisIsAskedAgainAtOnce() throws Exception {
		int port = RedisServer.freePort();
		SharedCallBudget budget = budget("redis://127.0.0.1:" + port, local(1), this.clock);
		StepVerifier.create(budget.spend()).verifyComplete();

		try (RedisServer late = RedisServer.startOn(port)) {
			this.clock.advance(Duration.ofHours(-1));

			StepVerifier.create(budget.spend()).as("the shared budget again").verifyComplete();
		}
	}

	// Spring Data Redis opens its shared connection on the thread that first asks and
	// waits there: with a Redis that takes connections and never answers, every call
	// asking Redis (about one a second) held the caller's thread, an event loop or
	// Caffeine's loader, for up to the connect timeout.
	@Test
	void spendWhenRedisTakesConnectionsAndNeverAnswersThenTheCallersThreadDoesNotWait() throws Exception {
		// the kernel completes the connection; nobody ever answers on it
		ServerSocket silentRedis = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		try {
			SharedCallBudget budget = budget("redis://127.0.0.1:" + silentRedis.getLocalPort(), local(1), this.clock,
					SILENT_REDIS_TIMEOUT);
			CompletableFuture<Void> spent = new CompletableFuture<>();

			budget.spend().subscribe(null, spent::completeExceptionally, () -> spent.complete(null));

			assertThat(spent).as("not answered yet when subscribe returned: Redis is still being asked").isNotDone();
			silentRedis.close();
			assertThat(spent).as("this instance's own budget, once Redis failed").succeedsWithin(SILENT_REDIS_TIMEOUT);
		}
		finally {
			silentRedis.close();
		}
	}

	// Redis answered the connection only after the call had given up on it: the thread
	// making it was interrupted, Reactor logged that failure as dropped, at ERROR with
	// its stack trace, and Lettuce finished the connection all the same, open and
	// nobody's: one more for each call that asked Redis while it was slow.
	@Test
	void spendWhenRedisAnswersTheConnectionPastTheTimeoutThenOwnBudgetServesAndNothingLoggedNorLeftOpen(
			CapturedOutput output) throws Exception {
		try (PausingRedis slowRedis = PausingRedis.start()) {
			this.factory = factory(slowRedis.url(), SILENT_REDIS_TIMEOUT);
			SharedCallBudget budget = new SharedCallBudget(this.name, this.factory, local(1), 4, PERIOD, MAX_WAIT,
					SLOW_REDIS_TIMEOUT, this.clock);
			slowRedis.pause(SLOW_REDIS_TIMEOUT.multipliedBy(4));

			StepVerifier.create(budget.spend()).as("this instance's own budget").verifyComplete();

			slowRedis.awaitAnswering();
			expectWaitAbout(budget, Duration.ZERO);
			assertThat(slowRedis.othersConnections()).as("the budget's connections").isOne();
		}
		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("\tat ");
	}

	// A full Redis (maxmemory reached, noeviction) refuses the budget's write with OOM:
	// the one-time warning named the exception's type only, not that Redis is full.
	@Test
	void spendWhenRedisIsFullThenTheWarningNamesOom(CapturedOutput output) throws Exception {
		try (RedisServer full = RedisServer.startWith("--maxmemory", "1", "--maxmemory-policy", "noeviction")) {
			SharedCallBudget budget = budget(full.url(), local(1), this.clock);

			StepVerifier.create(budget.spend()).as("this instance's own budget").verifyComplete();
		}
		assertThat(output.getOut().lines().filter((line) -> line.contains("Redis failed"))).singleElement(STRING)
			.contains("Redis answered OOM");
	}

	/**
	 * The wait {@code budget} reserves: {@code expected}, less the moments that passed
	 * between the test's calls (Redis's own clock runs on).
	 */
	private static void expectWaitAbout(SharedCallBudget budget, Duration expected) {
		StepVerifier.create(budget.reserve())
			.assertNext((wait) -> assertThat(wait).isBetween(expected.isZero() ? Duration.ZERO : expected.minus(SLACK),
					expected))
			.verifyComplete();
	}

	private String stored() {
		byte[] value = this.factory.getConnection().stringCommands().get(key().getBytes(StandardCharsets.UTF_8));
		return new String(value, StandardCharsets.US_ASCII);
	}

	private String key() {
		return SharedCallBudget.PREFIX + this.name;
	}

	private SharedCallBudget budget(String url, LocalCallBudget local, Clock clock) {
		return budget(url, local, clock, 4, PERIOD, MAX_WAIT);
	}

	private SharedCallBudget budget(String url, LocalCallBudget local, Clock clock, Duration redisTimeout) {
		return budget(url, local, clock, 4, PERIOD, MAX_WAIT, redisTimeout);
	}

	private SharedCallBudget budget(String url, LocalCallBudget local, Clock clock, int limit, Duration period,
			Duration maxWait) {
		return budget(url, local, clock, limit, period, maxWait, REDIS_TIMEOUT);
	}

	private SharedCallBudget budget(String url, LocalCallBudget local, Clock clock, int limit, Duration period,
			Duration maxWait, Duration redisTimeout) {
		if (this.factory == null) {
			this.factory = factory(url, redisTimeout);
		}
		return new SharedCallBudget(this.name, this.factory, local, limit, period, maxWait, redisTimeout, clock);
	}

	private static LettuceConnectionFactory factory(String url, Duration timeout) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				LettuceConnectionFactory.createRedisConfiguration(url),
				LettuceClientConfiguration.builder()
					.commandTimeout(timeout)
					.clientOptions(ClientOptions.builder()
						.socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
						.build())
					.build());
		factory.start();
		return factory;
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
