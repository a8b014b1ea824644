package dev.porter.gateway.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
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
// The clock stands still during a test: the rate limit's windows start on whole minutes,
// and one starting between a test's requests would give it a fresh budget.
@Import(MovableGatewayClock.class)
class ProfileServiceDownTests {

	/**
	 * Far beyond the client's {@link #PATIENCE}: a 503 that comes at all is one that did
	 * not wait for it.
	 */
	private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(1);

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	/**
	 * Where profile-service should be: bound for the JVM's whole run and never listening,
	 * so connections are refused and no other program can take the port (a port bound and
	 * let go could be taken by another JVM's test meanwhile).
	 */
	private static final Socket NOBODY_LISTENS = boundWithoutListening();

	@LocalServerPort
	int port;

	@Autowired
	MovableClock clock;

	private WebTestClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", () -> TestIdp.instance().issuer());
		registry.add("porter.oidc.client-id", () -> TestIdp.CLIENT_ID);
		registry.add("porter.oidc.client-secret", () -> TestIdp.CLIENT_SECRET);
		registry.add("porter.relay.profile-service-uri", () -> "http://127.0.0.1:" + NOBODY_LISTENS.getLocalPort());
		registry.add("porter.relay.response-timeout", RESPONSE_TIMEOUT::toString);
		registry.add("porter.relay.rate-limit", () -> "3");
		registry.add("porter.relay.retry-after", () -> "1s");
		registry.add("porter.relay.breaker-window", () -> "2");
		registry.add("porter.relay.breaker-minimum-calls", () -> "2");
		registry.add("porter.relay.breaker-open-for", () -> "30s");
	}

	@BeforeEach
	void client() {
		// the test IdP dates ID tokens on the system clock
		this.clock.moveTo(Instant.now());
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

	private static Socket boundWithoutListening() {
		try {
			Socket socket = new Socket();
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
