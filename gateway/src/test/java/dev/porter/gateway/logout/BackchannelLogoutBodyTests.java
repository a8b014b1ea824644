package dev.porter.gateway.logout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RawConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The back-channel logout's body, as the IdP or anyone else can send it: a form that does
 * not decode, is larger than a logout token needs, is still arriving at the read timeout
 * or is cut off is the sender's doing. It is answered with a 4xx problem, ends no session
 * and writes nothing at ERROR; never with the 503 that tells the IdP to retry and the
 * operator to look at the IdP or the session store. The endpoint is open to anyone, so
 * such a body is logged at INFO at most once per {@link BackchannelLogoutLog#INTERVAL},
 * with a count. The gateway's clock is a {@link MovableClock}, moved past the last report
 * before each test.
 */
@Import(MovableGatewayClock.class)
@ExtendWith(OutputCaptureExtension.class)
class BackchannelLogoutBodyTests extends GatewayTestSupport {

	// The gateway's read timeout in these tests is 2s (GatewayTestSupport).
	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String PATH = "/bff/backchannel-logout";

	private static final String CUT_OFF_LINE = "form body cut off by the client or a proxy";

	@Autowired
	private MovableClock clock;

	@Autowired
	private MeterRegistry meters;

	/** Where this test's output starts: the capture holds the earlier tests' too. */
	private int outputStart;

	@BeforeEach
	void clockPastTheLastReport(CapturedOutput output) {
		Instant later = this.clock.instant().isAfter(Instant.now()) ? this.clock.instant() : Instant.now();
		this.clock.moveTo(later.plus(BackchannelLogoutLog.INTERVAL));
		this.outputStart = output.getAll().length();
	}

	@Test
	void backchannelLogoutWhenBodyIsOneMebibyteThenPayloadTooLargeProblem() {
		this.client.post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("logout_token=" + "a".repeat(1024 * 1024))
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals("Cache-Control", "no-store")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/logout-token-too-large");
	}

	@Test
	void backchannelLogoutWhenChunkedBodyPastLimitThenPayloadTooLargeProblem() {
		// No Content-Length to refuse up front: the body itself must be cut at the limit,
		// not buffered up to the codecs' far larger one.
		String body = "logout_token=" + "a".repeat(4 * BackchannelLogoutController.MAX_BODY_BYTES);
		RawConnection.Answer response = RawConnection.exchange(this.port,
				requestStart() + "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
						+ RawConnection.chunked(body),
				WAIT);
		assertThat(response.status()).as(response.head()).isEqualTo(413);
		assertThat(response.hasHeader("Content-Type", "application/problem+json")).as(response.head()).isTrue();
	}

	@Test
	void backchannelLogoutWhenBodyIsNotValidFormEncodingThenBadRequestNamingTheFieldNotAnOutage(CapturedOutput output) {
		// Anyone can send this: it is the sender's mistake, not the IdP or the store
		// failing.
		this.client.post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("logout_token=%zz")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.doesNotExist("Retry-After")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals("Cache-Control", "no-store")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/invalid-form")
			.jsonPath("$.field")
			.isEqualTo("logout_token");
		assertNothingAtError(output);
	}

	// The IdP's own token, whose body stops before its declared end: the IdP (or a proxy
	// on its way) is at fault, not the IdP's keys or the session store, and a 503 would
	// have the IdP send it again and the operator look at both.
	@Test
	void backchannelLogoutWhenBodyStillArrivingAtTheReadTimeoutThenRequestTimeoutAndSessionKept(CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		String sent = "logout_token=" + TestIdp.instance().logoutToken(Map.of("sid", alice.tokens().sid()));

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				requestStart() + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
						+ (sent.length() + 100) + "\r\n\r\n" + sent,
				WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(408);
		assertThat(answer.hasHeader("Content-Type", "application/problem+json")).as(answer.head()).isTrue();
		assertThat(answer.hasHeader("Retry-After", "")).as(answer.head()).isFalse();
		assertSignedIn(alice);
		assertNothingAtError(output);
		assertThat(ownOutput(output)).contains("form body incomplete after the read timeout")
			.doesNotContain("back-channel logout could not be processed");
	}

	// The sender leaves mid-body, as anyone can at will: the answer reaches no one, but
	// it was a 503 counted as the server's failure and logged as the IdP's or the
	// store's.
	@ParameterizedTest(name = "reset: {0}")
	@ValueSource(booleans = { false, true })
	void backchannelLogoutWhenTheSenderLeavesBeforeTheBodyIsWholeThenNoServerErrorAndLoggedAtInfo(boolean reset,
			CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		long serverErrorsBefore = answered("SERVER_ERROR");

		leaveMidBody(TestIdp.instance().logoutToken(Map.of("sid", alice.tokens().sid())), reset);

		assertThat(answered("SERVER_ERROR")).isEqualTo(serverErrorsBefore);
		assertSignedIn(alice);
		assertNothingAtError(output);
		assertThat(ownOutput(output)).contains(CUT_OFF_LINE)
			.doesNotContain("back-channel logout could not be processed");
	}

	/**
	 * Anyone can cut bodies off in a loop, one connection each: one line per interval,
	 * with a count, as for the endpoint's other refusals.
	 */
	@Test
	void backchannelLogoutWhenBodiesCutOffInALoopThenOneLinePerIntervalWithACount(CapturedOutput output) {
		for (int i = 0; i < 3; i++) {
			leaveMidBody("garbage", i % 2 == 0);
		}
		assertThat(cutOffLines(output)).hasSize(1);

		this.clock.advance(BackchannelLogoutLog.INTERVAL);
		leaveMidBody("garbage", true);

		// The first was reported at once, the two others with the next.
		assertThat(cutOffLines(output)).hasSize(2)
			.last()
			.asString()
			.contains("(3 bodies unread since the last report)");
	}

	/**
	 * Sends a request whose body declares 100 bytes more than {@code token}'s form, then
	 * closes or resets the connection, and waits until the gateway has answered it.
	 */
	private void leaveMidBody(String token, boolean reset) {
		String sent = "logout_token=" + token;
		long before = answered(null);
		RawConnection connection = RawConnection.open(this.port);
		connection.send(requestStart() + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
				+ (sent.length() + 100) + "\r\n\r\n" + sent);
		if (reset) {
			connection.reset();
		}
		else {
			connection.close();
		}
		Eventually.await("the abandoned back-channel logout answered", WAIT, () -> answered(null) > before);
	}

	private String requestStart() {
		// Server to server: no cookies.
		return "POST " + PATH + " HTTP/1.1\r\nHost: localhost:" + this.port + "\r\n";
	}

	/** The back-channel logouts the gateway has answered, of an outcome or any. */
	private long answered(@Nullable String outcome) {
		Search search = this.meters.find("http.server.requests").tags("method", "POST", "uri", PATH);
		if (outcome != null) {
			search = search.tag("outcome", outcome);
		}
		return search.timers().stream().mapToLong(Timer::count).sum();
	}

	private String ownOutput(CapturedOutput output) {
		return output.getAll().substring(this.outputStart);
	}

	private List<String> cutOffLines(CapturedOutput output) {
		return ownOutput(output).lines().filter((line) -> line.contains(CUT_OFF_LINE)).toList();
	}

	private void assertNothingAtError(CapturedOutput output) {
		String own = ownOutput(output);
		assertThat(own.lines().filter((line) -> line.contains(" ERROR "))).isEmpty();
		assertThat(own).doesNotContain("\tat ");
	}

	private static void assertSignedIn(Browser browser) {
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

}
