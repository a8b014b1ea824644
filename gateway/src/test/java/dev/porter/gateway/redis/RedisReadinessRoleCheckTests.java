package dev.porter.gateway.redis;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readiness check sends each connection a {@code PING} and asks it for its node's
 * role ({@code HELLO}); anyone may probe {@code /readyz} on the public port, so the
 * probes within a second of a check get its outcome and cost Redis nothing. The HELLOs
 * count the checks: the key tracking's heartbeat sends PINGs of its own. Time is the
 * gateway's {@link MovableClock}.
 */
class RedisReadinessRoleCheckTests {

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	/** How long a readiness check stands (RedisHealthIndicator). */
	private static final Duration CHECK_STANDS_FOR = Duration.ofSeconds(1);

	private static final int PROBES = 30;

	private static final MovableClock clock = new MovableClock(Instant.now());

	private static RedisServer redis;

	private static ConfigurableApplicationContext gateway;

	private static RedisClient statsClient;

	private static StatefulRedisConnection<String, String> stats;

	@BeforeAll
	static void startInstance() throws Exception {
		redis = RedisServer.start();
		statsClient = RedisClient.create(redis.url());
		statsClient.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
		stats = statsClient.connect();
		gateway = GatewayInstances.startOnRedis(clock, redis.url());
		Eventually.await("ready", PATIENCE, () -> {
			clock.advance(CHECK_STANDS_FOR);
			return readyz() == 200;
		});
	}

	@AfterAll
	static void stopInstance() {
		if (gateway != null) {
			gateway.close();
		}
		if (statsClient != null) {
			statsClient.shutdown();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void readyzWhenProbedRepeatedlyWithinOneSecondThenRolesAskedForOneCheckOnly() {
		long beforeCheck = hellos();
		clock.advance(CHECK_STANDS_FOR);
		assertThat(readyz()).isEqualTo(200);
		long oneCheck = hellos() - beforeCheck;

		for (int i = 0; i < PROBES; i++) {
			assertThat(readyz()).isEqualTo(200);
		}

		assertThat(oneCheck).as("a check asks each connection").isPositive();
		assertThat(hellos() - beforeCheck).as("HELLOs for %d probes within the check's second", PROBES)
			.isEqualTo(oneCheck);
	}

	/**
	 * The {@code HELLO}s Redis answered so far, over a RESP2 connection of the test's
	 * own, whose handshake sends none (an admin connection's each would count one).
	 */
	private static long hellos() {
		String info = stats.sync().info("commandstats");
		return info.contains("cmdstat_hello:")
				? Long.parseLong(info.replaceFirst("(?s).*cmdstat_hello:calls=(\\d+),.*", "$1")) : 0;
	}

	private static int readyz() {
		return client().get().uri("/readyz").exchange().returnResult(Void.class).getStatus().value();
	}

	private static WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) gateway).getWebServer().getPort());
	}

}
