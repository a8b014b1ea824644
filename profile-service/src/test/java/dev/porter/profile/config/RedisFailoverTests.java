package dev.porter.profile.config;

import java.time.Duration;
import java.util.function.Function;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.upstream.LocalCallBudget;
import dev.porter.profile.upstream.SharedCallBudget;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.PrimaryEndpoint;
import dev.porter.testsupport.RedisServer;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failover behind the primary endpoint (a managed Redis's DNS name) that leaves the old
 * primary running as a replica: the shared connection, as this module's
 * {@link RedisConfiguration} makes it, must leave the demoted node, which refuses every
 * write with {@code READONLY}, for the new primary.
 */
class RedisFailoverTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	/**
	 * Long enough for the shared connection to open on a busy machine (the build runs two
	 * modules' tests at once): the test is about where the budget is kept, not a slow
	 * Redis.
	 */
	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final String BUDGET = "management-failover-test";

	private final MutableClock clock = new MutableClock();

	private RedisServer first;

	private RedisServer second;

	private PrimaryEndpoint endpoint;

	private DefaultClientResources resources;

	private LettuceConnectionFactory factory;

	@BeforeEach
	void start() throws Exception {
		this.first = RedisServer.start();
		this.second = RedisServer.start();
		for (RedisServer server : new RedisServer[] { this.first, this.second }) {
			// a replica loads its primary's data without writing it to the working
			// directory, which every server shares; a primary sends it at once
			call(server, (commands) -> commands.configSet("repl-diskless-load", "swapdb"));
			call(server, (commands) -> commands.configSet("repl-diskless-sync-delay", "0"));
		}
		this.endpoint = PrimaryEndpoint.to(this.first.port());
		RedisConfiguration configuration = new RedisConfiguration();
		RedisProperties properties = new RedisProperties(this.endpoint.url(), TIMEOUT);
		this.resources = configuration.redisClientResources(properties);
		this.factory = configuration.redisConnectionFactory(properties, this.resources);
		this.factory.start();
		// opened here, not within the first call's timeout
		this.factory.getConnection().ping();
	}

	@AfterEach
	void stop() {
		this.factory.destroy();
		this.resources.shutdown();
		this.endpoint.close();
		this.first.close();
		this.second.close();
	}

	// The budget's script met READONLY on every call for as long as the instance ran:
	// each instance spent its own budget, together several times the tenant's.
	@Test
	void spendWhenThePrimaryEndpointFailedOverThenTheBudgetIsSharedOnTheNewPrimary() {
		SharedCallBudget budget = new SharedCallBudget(BUDGET, this.factory, local(), 4, Duration.ofMinutes(1),
				Duration.ZERO, TIMEOUT, this.clock);
		StepVerifier.create(budget.spend()).verifyComplete();
		assertThat(stored(this.first)).as("spent on the first primary").isTrue();

		failOver();
		this.endpoint.pointTo(this.second.port());
		call(this.second, (commands) -> commands.del(key()));

		Eventually.await("the budget spent on the new primary", PATIENCE, () -> {
			// past the second on its own budget that a failed Redis call costs
			this.clock.advance(Duration.ofSeconds(1));
			budget.spend().block(PATIENCE);
			return stored(this.second);
		});
	}

	/**
	 * The second server takes over with the first's data, as a replica promoted by a
	 * failover does; the first goes on as its replica.
	 */
	private void failOver() {
		call(this.second, (commands) -> commands.replicaof("127.0.0.1", this.first.port()));
		Eventually.await("the second server in sync with the first", PATIENCE,
				() -> call(this.second, (commands) -> commands.info("replication")).contains("master_link_status:up"));
		call(this.second, RedisCommands::replicaofNoOne);
		call(this.first, (commands) -> commands.replicaof("127.0.0.1", this.second.port()));
	}

	private boolean stored(RedisServer server) {
		return call(server, (commands) -> commands.exists(key())) == 1;
	}

	private static String key() {
		return "porter:profile:budget:" + BUDGET;
	}

	/** Plenty: the test is about where the shared budget is kept. */
	private static LocalCallBudget local() {
		return new LocalCallBudget(RateLimiter.of("own",
				RateLimiterConfig.custom()
					.limitForPeriod(1000)
					.limitRefreshPeriod(Duration.ofHours(1))
					.timeoutDuration(Duration.ZERO)
					.build()));
	}

	/** What {@code command} answers over an operator's one-off connection. */
	private static <T> T call(RedisServer server, Function<RedisCommands<String, String>, T> command) {
		RedisClient admin = RedisClient.create(server.url());
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			return command.apply(connection.sync());
		}
		finally {
			admin.shutdown();
		}
	}

}
