package dev.porter.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TestSessionKeys;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import dev.porter.testsupport.RedisServer;
import dev.porter.testsupport.ShiftableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose Redis is full: {@code maxmemory} reached under the {@code noeviction}
 * policy the README asks for, so that Redis refuses every write that would add data
 * ({@code OOM}) and still serves reads and deletes. The sessions signed in are still
 * read; what they have nothing to store for is served as usual, and what cannot be had
 * without a write fails as the session store's failure, never the IdP's. One gateway on a
 * Redis of its own, so that what it logs is this class's alone.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisFullTests {

	private static final ShiftableClock clock = new ShiftableClock();

	private static RedisServer redis;

	private static WireMockServer profile;

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void start() throws Exception {
		redis = RedisServer.start();
		profile = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
		profile.start();
		// A rate limit window of a day: a test's shift of the clock never starts a new
		// one,
		// so that a request after Redis filled may spend the share reserved before.
		gateway = GatewayInstances.startOnTestIdp(clock, "--porter.redis.url=" + redis.url(),
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED,
				"--porter.relay.profile-service-uri=http://localhost:" + profile.port(),
				"--porter.relay.rate-limit-period=1d");
	}

	@AfterAll
	static void stop() {
		if (gateway != null) {
			gateway.close();
		}
		if (profile != null) {
			profile.stop();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@BeforeEach
	void stubProfileService() {
		profile.resetAll();
		profile.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"name\":\"someone\"}")));
	}

	@AfterEach
	void roomAgain() {
		maxmemory("0");
		clock.reset();
	}

	// The relay's rate limit reserved its share of the user's budget with an INCRBY,
	// which Redis refused: every relayed request and every /bff/sessions call answered
	// 503 "session store unavailable", though it had nothing to store.
	@Test
	void getMeWhenRedisIsFullThenRelayedAndTheSessionsListed(CapturedOutput output) {
		// Someone served before Redis filled: the budgets were shared until then.
		me(signedIn(3600)).expectStatus().isOk();
		Browser browser = signedIn(3600);
		maxmemory("1");

		me(browser).expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("someone");
		browser.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sessions[0].current")
			.isEqualTo(true);

		profile.verify(2, getRequestedFor(urlPathEqualTo("/me")));
		assertThat(output.getOut().lines().filter((line) -> line.contains("Redis answered OOM")))
			.as("the rate limit's one warning")
			.hasSize(1)
			.allMatch((line) -> line.contains("WARN") && line.contains("maxmemory"));
		assertThat(output).doesNotContain("session store (Redis) unavailable");
	}

	// Redis refused the refresh lock's SET NX: the request answered 503 "Identity
	// provider unavailable", and nothing said that the session store had failed.
	@Test
	void getMeWhenRedisIsFullAndTheAccessTokenExpiredThenTheSessionStoresProblem(CapturedOutput output) {
		Browser browser = signedIn(30);
		// This user's share of the budget is held here since before Redis filled: the
		// request goes past the rate limit without asking Redis, on to the refresh.
		me(browser).expectStatus().isOk();
		maxmemory("1");
		clock.shift(Duration.ofSeconds(31));

		me(browser).expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "5")
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The session store is unavailable; try again later");

		profile.verify(1, getRequestedFor(urlPathEqualTo("/me")));
		TestIdp.instance()
			.server()
			.verify(0, postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken())));
		assertThat(output.getOut().lines().filter((line) -> line.contains("session store (Redis) unavailable")))
			.hasSize(1)
			.allMatch((line) -> line.contains("Redis answered OOM"));
		assertThat(output).doesNotContain("command not allowed");
	}

	/**
	 * No refresh is to be had on a full Redis (its rotated tokens could not be stored),
	 * but the access token still outlives the call: relayed with it, as after any refresh
	 * that failed.
	 */
	@Test
	void getMeWhenRedisIsFullAndTheAccessTokenIsDueButValidThenRelayedWithIt() {
		Browser browser = signedIn(30);
		me(browser).expectStatus().isOk();
		maxmemory("1");
		clock.shift(Duration.ofSeconds(16));

		me(browser).expectStatus().isOk();

		profile.verify(2, getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer " + browser.tokens().accessToken())));
	}

	/**
	 * The login's own rate limit lets it through to the IdP as the relay's does; its
	 * session cannot be stored, and the login fails as any whose session write fails:
	 * nobody signed in.
	 */
	@Test
	void loginWhenRedisIsFullThenTheLoginFailsAndNobodyIsSignedIn() {
		Browser browser = new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(gateway)));
		maxmemory("1");

		URI landing = browser.attemptLogin("auth0|full-" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).hasToString("/?login=failed");
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	/** A new user, signed in while Redis had room, whose access token lasts that long. */
	private static Browser signedIn(long expiresInSeconds) {
		return new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(gateway)))
			.login("auth0|full-" + UUID.randomUUID(), expiresInSeconds);
	}

	private static WebTestClient.ResponseSpec me(Browser browser) {
		return browser.get("/me").exchange();
	}

	/** {@code CONFIG SET maxmemory}: 1 byte fills Redis at once, 0 lifts the limit. */
	private static void maxmemory(String bytes) {
		String answer = RedisAdmin.call(redis.url(), (commands) -> commands.configSet("maxmemory", bytes));
		assertThat(answer).isEqualTo("OK");
	}

}
