package dev.porter.gateway.config;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anyone may probe {@code /readyz} on the public port, so a probe must not cost Redis a
 * round of PINGs each time: within a second of the last check the gateway answers from
 * it, and once that second has passed it checks again, so that readiness still follows
 * Redis within about a second. Time is the gateway's {@link MovableClock}.
 */
class RedisReadinessProbeTests {

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	/** How long a readiness check stands (redis.RedisHealthIndicator). */
	private static final Duration CHECK_STANDS_FOR = Duration.ofSeconds(1);

	/** The key tracking's own heartbeat PING (redis.RedisConfiguration). */
	private static final Duration HEARTBEAT = Duration.ofMillis(250);

	private static final int PROBES = 30;

	private static final MovableClock clock = new MovableClock(Instant.now());

	private static RedisServer redis;

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void startInstance() throws Exception {
		redis = RedisServer.start();
		gateway = GatewayInstances.startOnRedis(clock, redis.url());
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

	@AfterEach
	void redisBack() throws Exception {
		redis.restart();
		Eventually.await("ready again", PATIENCE, () -> {
			clock.advance(CHECK_STANDS_FOR);
			return client().get().uri("/readyz").exchange().returnResult(Void.class).getStatus().is2xxSuccessful();
		});
	}

	@Test
	void readyzWhenProbedRepeatedlyWithinOneSecondThenRedisPingedForOneCheckOnly() {
		clock.advance(CHECK_STANDS_FOR);
		client().get().uri("/readyz").exchange().expectStatus().isOk();

		long pingsBefore = pings();
		long started = System.nanoTime();
		for (int i = 0; i < PROBES; i++) {
			client().get().uri("/readyz").exchange().expectStatus().isOk();
		}
		Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
		long heartbeats = elapsed.toMillis() / HEARTBEAT.toMillis() + 2;

		assertThat(pings() - pingsBefore).as("PINGs for %d probes besides %d heartbeats", PROBES, heartbeats)
			.isLessThanOrEqualTo(heartbeats);
	}

	@Test
	void readyzWhenRedisStoppedThenUnavailableOnceTheLastCheckIsASecondOld() throws Exception {
		clock.advance(CHECK_STANDS_FOR);
		client().get().uri("/readyz").exchange().expectStatus().isOk();

		redis.stop();
		clock.advance(CHECK_STANDS_FOR);

		patientClient().get().uri("/readyz").exchange().expectStatus().isEqualTo(503);
	}

	private static long pings() {
		String stats = RedisAdmin.call(redis.url(), (commands) -> commands.info("commandstats"));
		return Long.parseLong(stats.replaceFirst("(?s).*cmdstat_ping:calls=(\\d+),.*", "$1"));
	}

	private static WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) gateway).getWebServer().getPort());
	}

	private static WebTestClient patientClient() {
		return client().mutate().responseTimeout(PATIENCE).build();
	}

}
