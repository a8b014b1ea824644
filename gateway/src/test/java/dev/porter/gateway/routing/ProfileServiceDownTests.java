package dev.porter.gateway.routing;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Nothing listens where profile-service should be: the relay answers a 503 problem with
 * {@code Retry-After} without waiting for the response timeout, and the per-user rate
 * limit answers 429 before any relay is tried.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProfileServiceDownTests {

	/**
	 * Far beyond the client's {@link #PATIENCE}: a 503 that comes at all is one that did
	 * not wait for it.
	 */
	private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(1);

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	private WebTestClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", () -> TestIdp.instance().issuer());
		registry.add("porter.oidc.client-id", () -> TestIdp.CLIENT_ID);
		registry.add("porter.oidc.client-secret", () -> TestIdp.CLIENT_SECRET);
		registry.add("porter.relay.profile-service-uri", () -> "http://127.0.0.1:" + closedPort());
		registry.add("porter.relay.response-timeout", RESPONSE_TIMEOUT::toString);
		registry.add("porter.relay.rate-limit", () -> "3");
		registry.add("porter.relay.retry-after", () -> "1s");
		registry.add("porter.relay.breaker-window", () -> "2");
		registry.add("porter.relay.breaker-minimum-calls", () -> "2");
		registry.add("porter.relay.breaker-open-for", () -> "30s");
	}

	@BeforeEach
	void client() {
		this.client = TestClients.gateway(this.port).mutate().responseTimeout(PATIENCE).build();
	}

	@Test
	void getMeWhenProfileServiceDownThenServiceUnavailableProblemWithRetryAfter() {
		Browser browser = new Browser(this.client).login("auth0|down", 3600);

		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(503);
	}

	/**
	 * A change that never left the gateway (nothing listens, or the circuit is open) was
	 * not applied: its 503 says only to try again.
	 */
	@Test
	void patchMetadataWhenProfileServiceDownThenUnavailableSaysOnlyToTryAgain() {
		Browser browser = new Browser(this.client).login("auth0|writer", 3600);
		for (int i = 0; i < 3; i++) {
			browser.patchMetadata(browser.xsrf(), "{\"theme\":\"dark\"}")
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER)
				.expectBody()
				.jsonPath("$.detail")
				.isEqualTo("The profile service is unavailable; try again later");
		}
	}

	@Test
	void getMeWhenUserExceedsRateLimitThenTooManyRequestsWithRetryAfter() {
		Browser browser = new Browser(this.client).login("auth0|busy", 3600);
		for (int i = 0; i < 3; i++) {
			browser.get("/me").exchange().expectStatus().isEqualTo(503);
		}
		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
	}

	@Test
	void getMeWhenFailuresOpenCircuitThenRejectedAtOnceWithOpenDurationAsRetryAfter() {
		Browser browser = new Browser(this.client).login("auth0|breaker", 3600);
		for (int i = 0; i < 2; i++) {
			browser.get("/me").exchange().expectStatus().isEqualTo(503);
		}
		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "30");
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
