package dev.porter.gateway.routing;

import java.time.Duration;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RawConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.requestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, part 1: a relayed request reaches profile-service with its whole body and a
 * {@code Content-Length} that is true, or not at all — whatever one user sends, the next
 * user's request over the same upstream pool is answered with their own profile.
 */
@ExtendWith(OutputCaptureExtension.class)
class RelayBodyTests extends GatewayTestSupport {

	@Autowired
	private MeterRegistry meters;

	// The gateway's read timeout in these tests is 2s (GatewayTestSupport).
	private static final Duration WAIT = Duration.ofSeconds(10);

	static Stream<Arguments> oddRequests() {
		String json = "{\"theme\":\"dark\"}";
		return Stream.of(
				Arguments.of("form PATCH, token in the header only", "PATCH /me/metadata",
						"Content-Type: application/x-www-form-urlencoded\r\n", RawConnection.sized("theme=dark"), 415),
				Arguments.of("form PATCH with a wrong _csrf field", "PATCH /me/metadata",
						"Content-Type: application/x-www-form-urlencoded\r\n",
						RawConnection.sized("_csrf=wrong&theme=dark"), 415),
				Arguments.of("multipart PATCH", "PATCH /me/metadata",
						"Content-Type: multipart/form-data; boundary=b\r\n",
						RawConnection.sized(
								"--b\r\nContent-Disposition: form-data; name=\"theme\"\r\n\r\ndark\r\n--b--\r\n"),
						415),
				Arguments.of("text PATCH", "PATCH /me/metadata", "Content-Type: text/plain\r\n",
						RawConnection.sized(json), 415),
				Arguments.of("PATCH without a content type", "PATCH /me/metadata", "", RawConnection.sized(json), 415),
				Arguments.of("malformed content type", "PATCH /me/metadata", "Content-Type: json\r\n",
						RawConnection.sized(json), 415),
				Arguments.of("JSON PATCH with charset", "PATCH /me/metadata",
						"Content-Type: application/json;charset=UTF-8\r\n", RawConnection.sized(json), 200),
				Arguments.of("merge-patch PATCH, chunked", "PATCH /me/metadata",
						"Content-Type: application/merge-patch+json\r\n", RawConnection.chunked(json), 200),
				Arguments.of("JSON PATCH, empty with Content-Length 0", "PATCH /me/metadata",
						"Content-Type: application/json\r\n", RawConnection.sized(""), 200),
				Arguments.of("JSON PATCH over 16 KiB", "PATCH /me/metadata", "Content-Type: application/json\r\n",
						RawConnection.sized("{\"k\":\"" + "x".repeat(17 * 1024) + "\"}"), 413),
				Arguments.of("GET with a body", "GET /me", "Content-Type: application/json\r\n",
						RawConnection.sized(json), 400),
				Arguments.of("GET with a chunked body", "GET /me", "", RawConnection.chunked(json), 400),
				Arguments.of("GET with Content-Length 0", "GET /me", "", RawConnection.sized(""), 200));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("oddRequests")
	void relayWhenOneUserSendsOddBodyThenUpstreamGetsWholeBodyOrNothingAndNextUserGetsOwnProfile(String name,
			String requestLine, String headers, String framedBody, int expectedStatus) {
		Browser alice = browser().login("auth0|alice", 3600);
		Browser bob = browser().login("google-oauth2|bob", 3600);
		stubProfile(alice, "auth0|alice");
		stubProfile(bob, "google-oauth2|bob");

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				request(alice, requestLine, headers + framedBody), WAIT);

		assertThat(answer.status()).as(name + ": " + answer.head()).isEqualTo(expectedStatus);
		if (expectedStatus >= 400) {
			assertThat(answer.hasHeader("Content-Type", "application/problem+json")).as(answer.head()).isTrue();
			assertThat(PROFILE.findAll(anyRequestedFor(anyUrl()))).as("nothing relayed").isEmpty();
		}
		bob.get("/me").exchange().expectStatus().isOk().expectBody().jsonPath("$.sub").isEqualTo("google-oauth2|bob");
		assertEveryRelayedBodyMatchesItsLength();
	}

	@Test
	void patchMetadataWhenFormBodyThenUnsupportedMediaTypeNamingAcceptedTypes() {
		Browser alice = browser().login("auth0|alice", 3600);
		RawConnection.Answer answer = RawConnection.exchange(this.port,
				request(alice, "PATCH /me/metadata",
						"Content-Type: application/x-www-form-urlencoded\r\n" + RawConnection.sized("theme=dark")),
				WAIT);
		assertThat(answer.status()).isEqualTo(415);
		assertThat(answer.hasHeader("Accept-Patch", "application/json, application/merge-patch+json")).as(answer.head())
			.isTrue();
	}

	/**
	 * A method the route does not take, sent without a body: profile-service answers it
	 * ({@code 405} with {@code Allow}), not the gateway's body rule, which is about a
	 * body. The upstream gets it with an empty body of a stated length.
	 */
	@ParameterizedTest(name = "{0} {1}, Content-Length: 0 {3}")
	@CsvSource({ "POST, /me, GET, false", "POST, /me, GET, true", "PUT, /me/metadata, PATCH, false",
			"PUT, /me/metadata, PATCH, true" })
	void requestWhenMethodNotTakenAndNoBodyThenUpstreamsMethodNotAllowedWithAllow(String method, String path,
			String allow, boolean statesEmptyLength) {
		PROFILE.stubFor(WireMock.request(method, urlPathEqualTo(path))
			.willReturn(aResponse().withStatus(405).withHeader(HttpHeaders.ALLOW, allow)));
		Browser alice = browser().login("auth0|alice", 3600);

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				request(alice, method + " " + path, statesEmptyLength ? RawConnection.sized("") : "\r\n"), WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(405);
		assertThat(answer.hasHeader(HttpHeaders.ALLOW, allow)).as(answer.head()).isTrue();
		assertThat(answer.hasHeader("Accept-Patch", "")).as(answer.head()).isFalse();
		PROFILE.verify(1, requestedFor(method, urlPathEqualTo(path)));
		assertEveryRelayedBodyMatchesItsLength();
	}

	/**
	 * A body the relay cannot take on another method than {@code PATCH}: {@code 415}, but
	 * no {@code Accept-Patch}, which speaks of {@code PATCH} alone (RFC 5789).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "POST /me", "PUT /me/metadata" })
	void requestWhenBodyNotJsonOnAnotherMethodThanPatchThenUnsupportedMediaTypeWithoutAcceptPatch(String requestLine) {
		Browser alice = browser().login("auth0|alice", 3600);

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				request(alice, requestLine,
						"Content-Type: application/x-www-form-urlencoded\r\n" + RawConnection.sized("theme=dark")),
				WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(415);
		assertThat(answer.hasHeader("Accept-Patch", "")).as(answer.head()).isFalse();
		assertThat(PROFILE.findAll(anyRequestedFor(anyUrl()))).as("nothing relayed").isEmpty();
	}

	@Test
	void getMeWhenBodySentThenBadRequestProblemNamingTheHeader() {
		Browser alice = browser().login("auth0|alice", 3600);
		alice.method(HttpMethod.GET, "/me")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/body-not-allowed")
			.jsonPath("$.header")
			.isEqualTo("Content-Length");
		assertThat(PROFILE.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void patchMetadataWhenBodyShorterThanDeclaredThenRequestTimeoutWithoutStackTrace(CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		RawConnection.Answer answer = RawConnection.exchange(this.port, request(alice, "PATCH /me/metadata",
				"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"theme\":\"x\"}"), WAIT);
		assertThat(answer.status()).as(answer.head()).isEqualTo(408);
		assertThat(answer.hasHeader("Content-Type", "application/problem+json")).as(answer.head()).isTrue();
		assertThat(PROFILE.findAll(anyRequestedFor(anyUrl()))).isEmpty();
		assertThat(output.getOut()).contains("request body incomplete")
			.doesNotContain("\tat ")
			.doesNotContain("onErrorDropped");
	}

	// A client that leaves mid-body (an orderly close or a reset), as anyone can at will:
	// the answer reaches no one, but it was a 500 with ERROR lines and stack traces.
	@ParameterizedTest(name = "reset: {0}")
	@ValueSource(booleans = { false, true })
	void patchMetadataWhenTheClientLeavesBeforeTheBodyIsWholeThenNothingAtErrorAndNothingRelayed(boolean reset,
			CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		int outputStart = output.getAll().length();
		long before = answeredPatches();

		RawConnection connection = RawConnection.open(this.port);
		connection.send(request(alice, "PATCH /me/metadata",
				"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"theme\":\"x\"}"));
		if (reset) {
			connection.reset();
		}
		else {
			connection.close();
		}
		Eventually.await("the abandoned PATCH answered", WAIT, () -> answeredPatches() > before);

		String own = output.getAll().substring(outputStart);
		assertThat(own.lines().filter((line) -> line.contains(" ERROR "))).isEmpty();
		assertThat(own).doesNotContain("\tat ").contains("request body cut off by the client or a proxy");
		assertThat(PROFILE.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	private long answeredPatches() {
		return this.meters.find("http.server.requests")
			.tags("method", "PATCH")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	private String request(Browser browser, String requestLine, String rest) {
		return browser.rawRequestStart(this.port, requestLine) + "X-XSRF-TOKEN: " + browser.xsrf() + "\r\n" + rest;
	}

	private static void stubProfile(Browser user, String sub) {
		String bearer = "Bearer " + user.tokens().accessToken();
		String body = "{\"sub\":\"" + sub + "\"}";
		PROFILE.stubFor(get(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION, equalTo(bearer))
			.willReturn(okJson(body)));
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).withHeader(HttpHeaders.AUTHORIZATION, equalTo(bearer))
			.willReturn(okJson(body)));
	}

	/** What reached the upstream carried exactly the bytes its headers declared. */
	private static void assertEveryRelayedBodyMatchesItsLength() {
		for (ServeEvent event : PROFILE.getAllServeEvents()) {
			LoggedRequest request = event.getRequest();
			assertThat(request.containsHeader(HttpHeaders.TRANSFER_ENCODING)).as(request.getUrl()).isFalse();
			int declared = request.containsHeader(HttpHeaders.CONTENT_LENGTH)
					? Integer.parseInt(request.getHeader(HttpHeaders.CONTENT_LENGTH)) : 0;
			assertThat(request.getBody()).as(request.getMethod() + " " + request.getUrl()).hasSize(declared);
		}
	}

}
