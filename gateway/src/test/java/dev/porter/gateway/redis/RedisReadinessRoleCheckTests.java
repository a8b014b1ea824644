package dev.porter.gateway.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.RedisMonitor;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
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
 * probes within a second of a check get its outcome and cost Redis nothing. The HELLOs of
 * the per-loop connections count the checks: the key tracking's heartbeat sends PINGs and
 * HELLOs of its own, over its own connection. Time is the gateway's {@link MovableClock}.
 */
class RedisReadinessRoleCheckTests {

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	/** How long a readiness check stands (RedisHealthIndicator). */
	private static final Duration CHECK_STANDS_FOR = Duration.ofSeconds(1);

	private static final int PROBES = 30;

	private static final MovableClock clock = new MovableClock(Instant.now());

	private static RedisServer redis;

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void startInstance() throws Exception {
		redis = RedisServer.start();
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
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void readyzWhenProbedRepeatedlyWithinOneSecondThenRolesAskedForOneCheckOnly() throws Exception {
		String tracking = trackingConnectionAddress();
		try (RedisMonitor monitor = RedisMonitor.attach(redis)) {
			clock.advance(CHECK_STANDS_FOR);
			assertThat(readyz()).isEqualTo(200);
			long oneCheck = hellos(monitor.commands(), tracking);

			for (int i = 0; i < PROBES; i++) {
				assertThat(readyz()).isEqualTo(200);
			}

			assertThat(oneCheck).as("a check asks each connection").isPositive();
			assertThat(hellos(monitor.commands(), tracking))
				.as("HELLOs for %d probes within the check's second", PROBES)
				.isEqualTo(oneCheck);
		}
	}

	/**
	 * The {@code HELLO}s among {@code commands}, but for those of the connection at
	 * {@code excluded}.
	 */
	private static long hellos(List<String> commands, String excluded) {
		return commands.stream()
			.filter((command) -> command.contains("\"HELLO\""))
			.filter((command) -> !command.contains(" " + excluded + "]"))
			.count();
	}

	/**
	 * Where the gateway's key tracking connects from, as {@code CLIENT LIST} names it.
	 */
	private static String trackingConnectionAddress() {
		List<String> tracking = RedisAdmin.call(redis.url(), (commands) -> commands.clientList())
			.lines()
			.filter((client) -> client.matches(".* flags=\\w*t\\w* .*"))
			.toList();
		assertThat(tracking).hasSize(1);
		return tracking.get(0).replaceFirst(".* addr=(\\S+) .*", "$1");
	}

	private static int readyz() {
		return client().get().uri("/readyz").exchange().returnResult(Void.class).getStatus().value();
	}

	private static WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) gateway).getWebServer().getPort());
	}

}
