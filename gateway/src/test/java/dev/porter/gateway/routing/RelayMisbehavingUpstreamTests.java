package dev.porter.gateway.routing;

import java.io.IOException;
import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.RawConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream under {@code /me/**} that breaks HTTP's framing (docs/security.md, "An API
 * behind the gateway"): whatever it sends, each caller gets a final answer of its own,
 * never a piece of another request's, and a failure counts against the upstream.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RelayMisbehavingUpstreamTests {

	private static final ScriptedUpstream PROFILE = new ScriptedUpstream();

	private static final Duration WAIT = Duration.ofSeconds(5);

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", () -> TestIdp.instance().issuer());
		registry.add("porter.oidc.client-id", () -> TestIdp.CLIENT_ID);
		registry.add("porter.oidc.client-secret", () -> TestIdp.CLIENT_SECRET);
		registry.add("porter.relay.profile-service-uri", () -> "http://127.0.0.1:" + PROFILE.port());
		registry.add("porter.relay.response-timeout", () -> "2s");
		registry.add("porter.relay.retry-after", () -> "7s");
		// every failure here is counted, and none may open the circuit for the next test
		registry.add("porter.relay.breaker-window", () -> "100");
		registry.add("porter.relay.breaker-minimum-calls", () -> "100");
	}

	@AfterAll
	static void stop() throws IOException {
		PROFILE.close();
	}

	/**
	 * Netty's client decodes an interim answer other than {@code 100 Continue} as a whole
	 * answer and reads on: taken as the final one, the connection went back to the pool
	 * with the real answer still to come, and the next request drawn from it, another
	 * user's, read that answer as its own.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "102 Processing\r\n", "103 Early Hints\r\nLink: </x>; rel=preload\r\n" })
	void getMeWhenUpstreamSendsAnInterimAnswerFirstThenServiceUnavailableAndTheNextUserGetsHisOwnProfile(
			String interim) {
		PROFILE.answer((request, out, connection) -> {
			if (request % 2 == 1) {
				ScriptedUpstream.write(out, "HTTP/1.1 " + interim + "\r\n");
				Thread.sleep(300);
				ScriptedUpstream.write(out, ok("{\"sub\":\"auth0|alice\",\"email\":\"alice@example.com\"}"));
			}
			else {
				ScriptedUpstream.write(out, ok("{\"sub\":\"auth0|bob\"}"));
			}
		});
		Browser alice = browser().login("auth0|alice", 3600);
		Browser bob = browser().login("auth0|bob", 3600);
		double failedBefore = failedCalls();

		RawConnection.Answer alicesAnswer = RawConnection.exchange(this.port,
				alice.rawRequestStart(this.port, "GET /me") + "\r\n", WAIT);
		String bobsBody = bob.get("/me").exchange().returnResult(String.class).getResponseBody().blockFirst(WAIT);

		assertThat(alicesAnswer.status()).as(alicesAnswer.head()).isEqualTo(503);
		assertThat(alicesAnswer.hasHeader(HttpHeaders.RETRY_AFTER, "7")).as(alicesAnswer.head()).isTrue();
		assertThat(bobsBody).doesNotContain("alice");
		assertThat(failedCalls()).isEqualTo(failedBefore + 1);
	}

	/**
	 * The upstream sends its answer's head and then ends the connection before the body
	 * it announced: the browser has had nothing yet, so it gets the relay's 503 with
	 * {@code Retry-After}, not a 500, and none of the upstream's headers.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "Content-Length: 100\r\n\r\n{\"sub\":\"a", "Transfer-Encoding: chunked\r\n\r\n" })
	void getMeWhenUpstreamEndsTheConnectionBeforeTheWholeBodyThenServiceUnavailableCountedByTheBreaker(
			String cutShort) {
		PROFILE.answer((request, out, connection) -> {
			ScriptedUpstream.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"v1\"\r\n"
					+ "Cache-Status: profile-service; hit\r\n" + cutShort);
			connection.close();
		});
		Browser alice = browser().login("auth0|alice", 3600);
		double failedBefore = failedCalls();

		alice.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "7")
			.expectHeader()
			.doesNotExist(HttpHeaders.ETAG)
			.expectHeader()
			.doesNotExist("Cache-Status")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(503);
		assertThat(failedCalls()).isEqualTo(failedBefore + 1);
	}

	/**
	 * The gateway's challenge goes on a relayed {@code 401}; when that answer's body
	 * fails and the gateway answers {@code 503} in its place, the challenge goes with the
	 * rest of what the {@code 401} brought.
	 */
	@Test
	void getMeWhenUpstreamCutsTheBodyOfA401ThenServiceUnavailableWithoutAChallenge() {
		PROFILE.answer((request, out, connection) -> {
			ScriptedUpstream.write(out, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/problem+json\r\n"
					+ "WWW-Authenticate: Bearer error=\"invalid_token\"\r\nContent-Length: 100\r\n\r\n{\"a");
			connection.close();
		});
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.doesNotExist(HttpHeaders.WWW_AUTHENTICATE);
	}

	/**
	 * A change sent in full whose answer never came whole (the upstream stalled past
	 * {@code RELAY_RESPONSE_TIMEOUT}, closed the connection, or cut the answer's body
	 * short) may have been applied: the 503 says so, as profile-service's own does, so
	 * that the SPA reads {@code /me} before telling the user it failed.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "stalls", "closes", "cuts the body" })
	void patchMetadataWhenSentInFullAndNoAnswerCameWholeThenUnavailableSaysItMayHaveBeenApplied(String upstream) {
		PROFILE.answer((request, out, connection) -> {
			switch (upstream) {
				case "stalls" -> Thread.sleep(WAIT.toMillis());
				case "cuts the body" -> ScriptedUpstream.write(out,
						"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a");
				default -> {
				}
			}
			connection.close();
		});
		Browser alice = browser().login("auth0|alice", 3600);

		alice.patchMetadata(alice.xsrf(), "{\"theme\":\"dark\"}")
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "7")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-unavailable")
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("may have been applied").contains("send it again"));
	}

	/**
	 * profile-service refused the change (its 400 naming the field) and the connection
	 * dropped before that answer was whole: the status said the change was not applied,
	 * and the caller is not invited to send it again as if it might have been.
	 */
	@Test
	void patchMetadataWhenRefusedAndTheRefusalCutShortThenUnavailableSaysOnlyToTryAgain() {
		PROFILE.answer((request, out, connection) -> {
			ScriptedUpstream.write(out,
					"HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: 100\r\n\r\n{");
			connection.close();
		});
		Browser alice = browser().login("auth0|alice", 3600);

		alice.patchMetadata(alice.xsrf(), "{\"theme\":\"dark\"}")
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The profile service is unavailable; try again later");
	}

	/** A read that failed changed nothing: its 503 keeps the plain detail. */
	@Test
	void getMeWhenUpstreamClosesThenUnavailableSaysOnlyToTryAgain() {
		PROFILE.answer((request, out, connection) -> connection.close());
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "7")
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The profile service is unavailable; try again later");
	}

	private static String ok(String body) {
		return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
				+ body;
	}

	private Browser browser() {
		return new Browser(TestClients.gateway(this.port));
	}

	private double failedCalls() {
		return this.meters.get("resilience4j.circuitbreaker.calls")
			.tag("name", RoutingConfiguration.UPSTREAM)
			.tag("kind", "failed")
			.meter()
			.measure()
			.iterator()
			.next()
			.getValue();
	}

}
