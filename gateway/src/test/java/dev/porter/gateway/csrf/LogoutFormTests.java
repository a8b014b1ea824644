package dev.porter.gateway.csrf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.testsupport.RawConnection;
import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /bff/logout} reads its CSRF token from a {@code _csrf} form field. What a
 * signed-in user sends in that form is her own mistake: a body that does not decode, is
 * larger than one field needs or does not arrive in time is answered with a 4xx problem,
 * ends no session and writes nothing at ERROR. Each of these answered 500 with a stack
 * trace, as often as she liked.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogoutFormTests extends GatewayTestSupport {

	// The gateway's read timeout in these tests is 2s (GatewayTestSupport).
	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String FORM = "application/x-www-form-urlencoded";

	@Autowired
	MeterRegistry meters;

	/** Where this test's output starts: the capture holds the earlier tests' too. */
	private int outputStart;

	@BeforeEach
	void markOutput(CapturedOutput output) {
		this.outputStart = output.getAll().length();
	}

	@Test
	void logoutWhenFormFieldBadlyEscapedThenBadRequestNamingTheFieldAndSessionKept(CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		alice.xsrf();
		long before = count("400");

		logout(alice, FORM, "_csrf=%zz").expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/invalid-form")
			.jsonPath("$.field")
			.isEqualTo("_csrf");

		assertSignedIn(alice);
		assertNothingAtError(output);
		// The timer stops once the answer is written, which may be just after the
		// client has read it.
		Eventually.await("the refusal counted as the client's error", Duration.ofSeconds(2),
				() -> count("400") == before + 1);
	}

	@Test
	void logoutWhenFormOverCodecLimitThenBodyTooLargeAndSessionKept(CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		String body = "_csrf=" + alice.xsrf() + "&pad=" + "a".repeat(300 * 1024);

		logout(alice, FORM, body).expectStatus()
			.isEqualTo(413)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/body-too-large");

		assertSignedIn(alice);
		assertNothingAtError(output);
	}

	@Test
	void logoutWhenChunkedFormPastTheCapThenBodyTooLargeAndSessionKept(CapturedOutput output) {
		// No Content-Length to refuse up front: the body itself is cut at the cap.
		Browser alice = browser().login("auth0|alice", 3600);
		String body = "_csrf=" + alice.xsrf() + "&pad=" + "a".repeat(64 * 1024);

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				alice.rawRequestStart(this.port, "POST /bff/logout") + "Content-Type: " + FORM + "\r\n"
						+ "Connection: close\r\n" + RawConnection.chunked(body),
				WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(413);
		assertThat(answer.hasHeader("Content-Type", "application/problem+json")).as(answer.head()).isTrue();
		assertSignedIn(alice);
		assertNothingAtError(output);
	}

	@Test
	void logoutWhenFormNamesAnUnknownCharsetThenNotReadAsFormAndRefusedAsForged(CapturedOutput output) {
		// Written raw: an HTTP client refuses to send a charset it does not know. Such a
		// Content-Type does not parse, so the body is no form and carries no token.
		Browser alice = browser().login("auth0|alice", 3600);

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				alice.rawRequestStart(this.port, "POST /bff/logout") + "Content-Type: " + FORM + ";charset=x-bogus\r\n"
						+ "Connection: close\r\n" + RawConnection.sized("_csrf=" + alice.xsrf()),
				WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(403);
		assertThat(answer.hasHeader("Content-Type", "application/problem+json")).as(answer.head()).isTrue();
		assertSignedIn(alice);
		assertNothingAtError(output);
	}

	@Test
	void logoutWhenFormBodyNeverArrivesThenRequestTimeoutAndSessionKept(CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		String sent = "_csrf=" + alice.xsrf();

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				alice.rawRequestStart(this.port, "POST /bff/logout") + "Content-Type: " + FORM + "\r\n"
						+ "Content-Length: " + (sent.length() + 100) + "\r\n\r\n" + sent,
				WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(408);
		assertThat(answer.hasHeader("Content-Type", "application/problem+json")).as(answer.head()).isTrue();
		assertSignedIn(alice);
		assertNothingAtError(output);
	}

	// The client closes the connection mid-body, as anyone can at will: the answer
	// reaches
	// no one, but it was a 500 with two ERROR lines and their stack traces.
	@ParameterizedTest(name = "reset: {0}")
	@ValueSource(booleans = { false, true })
	void logoutWhenTheClientLeavesBeforeTheFormIsWholeThenNothingAtErrorAndSessionKept(boolean reset,
			CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		String sent = "_csrf=" + alice.xsrf();
		long before = answered();

		RawConnection connection = RawConnection.open(this.port);
		connection.send(alice.rawRequestStart(this.port, "POST /bff/logout") + "Content-Type: " + FORM + "\r\n"
				+ "Content-Length: " + (sent.length() + 100) + "\r\n\r\n" + sent);
		if (reset) {
			connection.reset();
		}
		else {
			connection.close();
		}
		Eventually.await("the abandoned logout answered", WAIT, () -> answered() > before);

		assertThat(serverErrors()).isZero();
		assertSignedIn(alice);
		assertNothingAtError(output);
	}

	@Test
	void logoutWhenFormCarriesTheTokenThenSessionEnded() {
		Browser alice = browser().login("auth0|alice", 3600);

		logout(alice, FORM, "_csrf=" + alice.xsrf()).expectStatus().isOk();

		alice.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	private static WebTestClient.ResponseSpec logout(Browser browser, String contentType, String body) {
		// Bytes, not a string: the client would otherwise encode them in the named
		// charset.
		return browser.method(HttpMethod.POST, "/bff/logout")
			.header(HttpHeaders.CONTENT_TYPE, contentType)
			.bodyValue(body.getBytes(StandardCharsets.US_ASCII))
			.exchange();
	}

	private static void assertSignedIn(Browser browser) {
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	private void assertNothingAtError(CapturedOutput output) {
		String own = output.getAll().substring(this.outputStart);
		assertThat(own.lines().filter((line) -> line.contains(" ERROR "))).isEmpty();
		assertThat(own).doesNotContain("\tat ");
	}

	private long serverErrors() {
		return this.meters.find("http.server.requests")
			.tags("method", "POST", "uri", "/bff/logout", "outcome", "SERVER_ERROR")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	/** Every POST /bff/logout the gateway has answered, whatever the outcome. */
	private long answered() {
		return this.meters.find("http.server.requests")
			.tags("method", "POST", "uri", "/bff/logout")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	private long count(String status) {
		Timer timer = this.meters.find("http.server.requests")
			.tags("method", "POST", "uri", "/bff/logout", "status", status, "outcome", "CLIENT_ERROR")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

}
