package dev.porter.gateway.routing;

import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestSessionKeys;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relayed request that profile-service answered, whose session Redis then refuses to
 * store while the answer is committed (Spring saves the session just before the first
 * byte goes out). The session store's failure is not profile-service's: it must never
 * read as a lost answer, nor count on the breaker that turns everyone away from
 * profile-service. Redis refuses through its ACL: session keys may be read, not written.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class RelaySessionSaveFailureTests {

	/**
	 * How far the last access must have moved on before a request writes it back: a tenth
	 * of the idle timeout (30 min), at most a minute.
	 */
	private static final Duration WRITE_BACK_DUE = Duration.ofSeconds(61);

	/** Well past the breaker's window (20 calls) and its minimum of calls. */
	private static final int REQUESTS = 25;

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@BeforeEach
	void stubProfileService() {
		instances.profile().resetAll();
		instances.profile().stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"theme\":\"dark\"}")));
	}

	@AfterEach
	void restore() throws Exception {
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~*");
		instances.clock().reset();
	}

	// The last access's write-back, due once a minute, failed at the commit: the browser
	// got 503 "profile service unavailable" for a PATCH profile-service had applied, and
	// ten such requests opened the breaker for everybody.
	@Test
	void patchWhenOnlyTheLastAccessCannotBeWrittenBackThenProfileServicesAnswer() throws Exception {
		ConfigurableApplicationContext gateway = instances.first();
		Browser browser = new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(gateway))).login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		double failedBefore = failedCalls(gateway);
		instances.clock().shift(WRITE_BACK_DUE);
		refuseSessionWrites();

		for (int i = 0; i < REQUESTS; i++) {
			browser.patchMetadata(xsrf, "{\"theme\":\"dark\"}")
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.theme")
				.isEqualTo("dark");
		}

		assertThat(failedCalls(gateway)).as("failures counted against profile-service").isEqualTo(failedBefore);
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~*");
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	// A session that carries a change (here the idle timeout of an instance configured
	// longer than the one that stored it; a shorter one is applied as the session is
	// read,
	// with nothing to write) cannot be stored: the request failed as any
	// other does when the session store fails, not as a failure of profile-service.
	@Test
	void patchWhenASessionChangeCannotBeStoredThenTheSessionStoresProblemAndNothingCounted() throws Exception {
		Browser browser = new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(instances.first())))
			.login("auth0|bob", 3600);
		String xsrf = browser.xsrf();
		try (ConfigurableApplicationContext other = GatewayInstances.startOnTestIdp(instances.clock(),
				"--porter.redis.url=" + instances.redis().url(),
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED,
				"--porter.relay.profile-service-uri=http://localhost:" + instances.profile().port(),
				"--porter.session.idle-timeout=40m")) {
			Browser elsewhere = new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(other)));
			elsewhere.cookies().putAll(browser.cookies());
			double failedBefore = failedCalls(other);
			refuseSessionWrites();

			for (int i = 0; i < REQUESTS; i++) {
				elsewhere.patchMetadata(xsrf, "{\"theme\":\"dark\"}")
					.expectStatus()
					.isEqualTo(503)
					.expectHeader()
					.contentType(MediaType.APPLICATION_PROBLEM_JSON)
					.expectHeader()
					.exists(HttpHeaders.RETRY_AFTER)
					.expectBody()
					.jsonPath("$.detail")
					.isEqualTo("The session store is unavailable; try again later");
			}

			assertThat(failedCalls(other)).as("failures counted against profile-service").isEqualTo(failedBefore);
			instances.profile().verify(REQUESTS, patchRequestedFor(urlPathEqualTo("/me/metadata")));
		}
	}

	// Spring commits a HEAD's answer only after the handler (its writes are dropped),
	// where a failure no longer reaches the error handlers: the session store's refusal
	// was an empty 500, where a GET gets the store's 503.
	@Test
	void headWhenASessionChangeCannotBeStoredThenTheSessionStoresProblem() throws Exception {
		instances.profile().stubFor(head(urlPathEqualTo("/me")).willReturn(okJson("{}")));
		Browser browser = new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(instances.first())))
			.login("auth0|carol", 3600);
		try (ConfigurableApplicationContext other = GatewayInstances.startOnTestIdp(instances.clock(),
				"--porter.redis.url=" + instances.redis().url(),
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED,
				"--porter.relay.profile-service-uri=http://localhost:" + instances.profile().port(),
				"--porter.session.idle-timeout=40m")) {
			Browser elsewhere = new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(other)));
			elsewhere.cookies().putAll(browser.cookies());
			refuseSessionWrites();

			elsewhere.method(HttpMethod.HEAD, "/me")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER);

			instances.profile().verify(1, headRequestedFor(urlPathEqualTo("/me")));
		}
	}

	/** Session keys may be read, not written; everything else as before. */
	private static void refuseSessionWrites() throws Exception {
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~porter:[^s]*", "~porter:sessions:*",
				"%R~porter:session:*");
	}

	private static double failedCalls(ConfigurableApplicationContext gateway) {
		return gateway.getBean(MeterRegistry.class)
			.get("resilience4j.circuitbreaker.calls")
			.tag("name", RoutingConfiguration.UPSTREAM)
			.tag("kind", "failed")
			.meter()
			.measure()
			.iterator()
			.next()
			.getValue();
	}

}
