package dev.porter.gateway.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.RedisMonitor;
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
 * round of commands each time: within a second of the last check the gateway answers from
 * it ({@code redis.RedisReadinessRoleCheckTests} counts them), and once that second has
 * passed it checks again, so that readiness still follows Redis within about a second.
 * Time is the gateway's {@link MovableClock}.
 */
class RedisReadinessProbeTests {

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	/** How long a readiness check stands (redis.RedisHealthIndicator). */
	private static final Duration CHECK_STANDS_FOR = Duration.ofSeconds(1);

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
	void readyzWhenRedisStoppedThenUnavailableOnceTheLastCheckIsASecondOld() throws Exception {
		clock.advance(CHECK_STANDS_FOR);
		client().get().uri("/readyz").exchange().expectStatus().isOk();

		redis.stop();
		clock.advance(CHECK_STANDS_FOR);

		patientClient().get().uri("/readyz").exchange().expectStatus().isEqualTo(503);
	}

	/**
	 * A check stands until a second after it ran, by the wall clock: stepped back ten
	 * minutes (NTP, a VM restored), it kept its outcome for ten minutes, UP while Redis
	 * was gone (or DOWN while it was back).
	 */
	@Test
	void readyzWhenTheClockSteppedBackAfterACheckThenCheckedAgainOnceASecondHasPassed() throws Exception {
		clock.advance(CHECK_STANDS_FOR);
		client().get().uri("/readyz").exchange().expectStatus().isOk();

		redis.stop();
		clock.moveTo(clock.instant().minus(Duration.ofMinutes(10)));
		clock.advance(CHECK_STANDS_FOR);

		patientClient().get().uri("/readyz").exchange().expectStatus().isEqualTo(503);
	}

	private static WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) gateway).getWebServer().getPort());
	}

	private static WebTestClient patientClient() {
		return client().mutate().responseTimeout(PATIENCE).build();
	}

}
