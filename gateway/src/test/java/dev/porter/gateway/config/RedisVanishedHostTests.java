package dev.porter.gateway.config;

import java.time.Duration;

import dev.porter.gateway.redis.RedisKeyTracking;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.Readiness;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import dev.porter.testsupport.VanishingProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose Redis host vanishes without a reset, so that its connections stay open
 * and nothing on them is ever answered ({@link VanishingProxy}), and whose Redis then
 * comes back behind the same address, sessions intact: the gateway answers 503 meanwhile,
 * and serves the same sessions again soon after, without a restart. Left to the kernel,
 * those connections would end only after some fifteen minutes of retransmissions.
 */
class RedisVanishedHostTests {

	/** Well above REDIS_TIMEOUT (500 ms): an answer later than this is a hang. */
	private static final Duration PATIENCE = Duration.ofSeconds(5);

	/**
	 * A connection silent for four command timeouts (2 s) is given up
	 * (common.UnansweredConnections); the first reconnect waits up to the backoff's cap
	 * (1 s); the rest is slack for a busy machine.
	 */
	private static final Duration RECOVERED_WITHIN = Duration.ofSeconds(10);

	private static RedisServer redis;

	private static VanishingProxy redisHost;

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void startInstance() throws Exception {
		redis = RedisServer.start();
		redisHost = VanishingProxy.to(redis.port());
		gateway = GatewayInstances.startOnRedis("redis://127.0.0.1:" + redisHost.port());
	}

	@AfterAll
	static void stopInstance() {
		if (gateway != null) {
			gateway.close();
		}
		if (redisHost != null) {
			redisHost.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void sessionWhenRedisHostVanishedAndCameBackThenSameSessionServedAgainWithoutRestart() throws Exception {
		Browser browser = new Browser(client()).login("auth0|alice", 3600);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		int connectionsBefore = redisHost.connectionsAccepted();

		redisHost.vanish();
		Eventually.await("503 while Redis's host is gone", PATIENCE, () -> sessionStatus(browser) == 503);
		Eventually.await("the silent connections given up and dialled again", RECOVERED_WITHIN,
				() -> redisHost.connectionsAccepted() > connectionsBefore);
		// A readiness check stands for a second (redis.RedisHealthIndicator)
		Eventually.await("/readyz 503", PATIENCE,
				() -> patientClient().get()
					.uri("/readyz")
					.exchange()
					.returnResult(Void.class)
					.getStatus()
					.value() == 503);

		redisHost.serverBack();
		assertThat(Readiness.readyWithin(client(), RECOVERED_WITHIN))
			.as("ready within %s of Redis returning", RECOVERED_WITHIN)
			.isTrue();
		Eventually.await("the session served again", RECOVERED_WITHIN, () -> sessionStatus(browser) == 200);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	@Test
	void keyTrackingWhenRedisHostVanishedAndCameBackThenTrustedAgain() throws Exception {
		RedisKeyTracking tracking = gateway.getBean(RedisKeyTracking.class);
		Eventually.await("tracking on at start", RECOVERED_WITHIN, () -> tracking.trusts(tracking.stamp()));

		redisHost.vanish();
		Eventually.await("kept sessions no longer trusted while Redis's host is gone", PATIENCE,
				() -> !tracking.trusts(tracking.stamp()));

		redisHost.serverBack();
		// Otherwise every session read goes to Redis, and another instance's logout is
		// seen here no sooner than before the near cache.
		Eventually.await("tracking on and trusted again", RECOVERED_WITHIN, () -> tracking.trusts(tracking.stamp()));
	}

	private static int sessionStatus(Browser browser) {
		return patientClient().get()
			.uri("/bff/session")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.returnResult(Void.class)
			.getStatus()
			.value();
	}

	private static WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) gateway).getWebServer().getPort());
	}

	/** Gives up long before Lettuce's default 60 s command timeout. */
	private static WebTestClient patientClient() {
		return client().mutate().responseTimeout(PATIENCE).build();
	}

}
