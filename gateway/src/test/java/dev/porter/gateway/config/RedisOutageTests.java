package dev.porter.gateway.config;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.GatewayApplication;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.Readiness;
import dev.porter.gateway.support.Browser;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose sessions live in a real {@code redis-server} that goes away and comes
 * back: callers get a quick 503 rather than a hang, readiness follows Redis, and the
 * gateway recovers without a restart.
 */
class RedisOutageTests {

	/** Well above REDIS_TIMEOUT (500 ms): an answer later than this is a hang. */
	private static final Duration PATIENCE = Duration.ofSeconds(5);

	/**
	 * Long enough for the reconnect backoff to have grown to its cap: it doubles from 50
	 * ms up to 1 s (redis.RedisConfiguration), which it reaches 1.55 s into the outage,
	 * so that the recovery below is the one a long outage would get.
	 */
	private static final Duration OUTAGE = Duration.ofSeconds(3);

	/**
	 * How soon after Redis stops the gateway knows it. Until then it may serve a session
	 * it read a moment ago from its near cache (session.SessionNearCache), which is
	 * right: it cannot know sooner. It learns of a closed connection as soon as its event
	 * loop reads the close, and of a silent one after three missed heartbeats (0.75 s).
	 */
	private static final Duration NOTICED_WITHIN = Duration.ofSeconds(2);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static RedisServer redis;

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void startInstance() throws Exception {
		redis = RedisServer.start();
		gateway = GatewayInstances.startOnRedis(redis.url());
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
		// The next test starts from a gateway that is connected again, not from one still
		// waiting out its reconnect backoff.
		assertThat(Readiness.readyWithin(client(), PATIENCE)).as("ready again within %s of Redis returning", PATIENCE)
			.isTrue();
	}

	@Test
	void logoutWhenSessionInRedisThenOkAndSessionEnded() {
		Browser browser = new Browser(client()).login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", xsrf)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.redirect")
			.isNotEmpty();
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	@Test
	void getSessionWhenRedisStoppedThenServiceUnavailableProblemWithRetryAfter() throws InterruptedException {
		Browser browser = new Browser(client()).login("auth0|alice", 3600);
		// read once, so that this instance keeps the session in its near cache
		browser.get("/bff/session").exchange().expectStatus().isOk();
		redis.stop();

		EntityExchangeResult<byte[]> answer = firstAnswerOtherThanOk(browser, Instant.now().plus(NOTICED_WITHIN));

		assertThat(answer.getStatus().value()).as("within %s of Redis stopping", NOTICED_WITHIN).isEqualTo(503);
		assertThat(answer.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
		JsonNode problem = JSON.readTree(answer.getResponseBodyContent());
		assertThat(problem.get("status").asInt()).isEqualTo(503);
		assertThat(problem.get("type").asString()).startsWith("https://porter.example/");
	}

	/**
	 * {@code GET /bff/session} again while it answers 200 and {@code deadline} has not
	 * passed: the first other answer, or the last 200.
	 */
	private static EntityExchangeResult<byte[]> firstAnswerOtherThanOk(Browser browser, Instant deadline)
			throws InterruptedException {
		while (true) {
			EntityExchangeResult<byte[]> answer = patientClient().get()
				.uri("/bff/session")
				.cookies((jar) -> browser.cookies().forEach(jar::add))
				.exchange()
				.expectBody()
				.returnResult();
			if (answer.getStatus().value() != 200 || !Instant.now().isBefore(deadline)) {
				return answer;
			}
			Thread.sleep(20); // until the gateway has noticed, bounded
		}
	}

	@Test
	void readinessWhenRedisStoppedThenDownWhileLivenessUpAndUpAgainOnceRedisReturns() throws Exception {
		redis.stop();
		// A readiness check stands for a second (redis.RedisHealthIndicator)
		Eventually.await("management readiness down", NOTICED_WITHIN,
				() -> status(management(), "/actuator/health/readiness") == 503);
		Eventually.await("/readyz 503", NOTICED_WITHIN, () -> status(patientClient(), "/readyz") == 503);
		patientClient().get().uri("/livez").exchange().expectStatus().isOk();
		assertThat(notReadyThroughout(OUTAGE)).as("not ready while Redis is down").isTrue();

		redis.restart();
		assertThat(Readiness.readyWithin(client(), PATIENCE)).as("ready again within %s of Redis returning", PATIENCE)
			.isTrue();
		// Redis came back empty: a new login works
		new Browser(client()).login("auth0|alice", 3600)
			.get("/bff/session")
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true);
	}

	private static boolean notReadyThroughout(Duration outage) throws InterruptedException {
		Instant end = Instant.now().plus(outage);
		while (Instant.now().isBefore(end)) {
			if (patientClient().get().uri("/readyz").exchange().returnResult(Void.class).getStatus().value() != 503) {
				return false;
			}
			Thread.sleep(250); // probing as an orchestrator would, for the outage's
								// length
		}
		return true;
	}

	private static int status(WebTestClient client, String path) {
		return client.get().uri(path).exchange().returnResult(Void.class).getStatus().value();
	}

	private static WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) gateway).getWebServer().getPort());
	}

	/** Gives up long before Lettuce's default 60 s command timeout. */
	private static WebTestClient patientClient() {
		return client().mutate().responseTimeout(PATIENCE).build();
	}

	private static WebTestClient management() {
		String port = gateway.getEnvironment().getRequiredProperty("local.management.port");
		return TestClients.gateway(Integer.parseInt(port)).mutate().responseTimeout(PATIENCE).build();
	}

}
