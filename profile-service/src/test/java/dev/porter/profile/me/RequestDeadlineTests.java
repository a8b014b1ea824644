package dev.porter.profile.me;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.porter.profile.config.UpstreamDeadlines;
import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.RawConnection;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request's total time, {@code PROFILE_REQUEST_DEADLINE}, whatever its upstream calls
 * take each. Each upstream's deadline is shorter (start-up demands it:
 * {@link UpstreamDeadlines}), so a single slow call ends by its own; the request's ends
 * calls made one after another: a {@code PATCH}'s reads and then its write, or a token
 * check that fetches the IdP's keys and then a load. Without it they took longer than the
 * gateway waits (its {@code RELAY_RESPONSE_TIMEOUT}), whose own time-out then counted
 * against its relay circuit for every user, where a 503 of ours does not. Test settings:
 * a 2 s request deadline, 1.9 s for each upstream; the steps before the last take 1 s
 * (fixed delays), the last is held until the caller has had her 503. The clock the
 * service reads stands still meanwhile, so that a change's write is still sent: here the
 * request deadline is the net for a write that outlasts the time its check found left
 * (one refused unsent: {@link ChangeSentInTimeTests}).
 */
@TestPropertySource(properties = { "porter.test.request-deadline=2s", "porter.test.userinfo.deadline=1900ms",
		"porter.test.management.deadline=1900ms" })
@Import(RequestDeadlineTests.MovableClock.class)
@ExtendWith(OutputCaptureExtension.class)
class RequestDeadlineTests extends ProfileServiceIntegrationTest {

	/** Alice once the change {@code {"theme":"dark"}} was applied. */
	private static final String DARK = Fixtures.read("management/user-recorded-patched.json");

	private static final String CHANGE = "{\"theme\":\"dark\"}";

	/**
	 * A step before the last: well within its upstream's deadline, half the request's.
	 */
	private static final int SLOW_STEP_MILLIS = 1000;

	/**
	 * Longer than the IdP's keys serve an instance that checked no token (ten minutes
	 * fresh, an hour stale: a quiet night): the next token waits for them to be fetched.
	 */
	private static final Duration QUIET_NIGHT = Duration.ofHours(2);

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@Autowired
	private MutableClock clock;

	// Each test's first late request is reported at once, and counted alone: no test
	// leaves one unreported.
	@BeforeEach
	void pastTheLastReport() {
		this.clock.advance(LateRequests.LOG_INTERVAL);
	}

	@Test
	void getMeWhenTheTokenCheckFetchesTheKeysAndThenALoadOutlastTheRequestDeadlineThenServiceUnavailableAndTheAnswerIsStillCached()
			throws Exception {
		this.clock.advance(QUIET_NIGHT);
		String token = aliceToken();
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.idp()
			.stubFor(get(urlEqualTo("/.well-known/jwks.json"))
				.willReturn(okJson(TestJwts.jwks()).withFixedDelay(SLOW_STEP_MILLIS)));
		HeldAnswer userinfo = upstreams.holdIdpAnswer("/userinfo", "");

		expectRequestDeadlineProblem(getMe(token), "could not be read in time");

		// The load had begun, and went on without the caller: its answer serves the next
		// request, and /userinfo is not asked again.
		userinfo.awaitReached();
		userinfo.release();
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.email").isNotEmpty();
		assertThat(userinfoCalls()).isEqualTo(1);
	}

	/**
	 * The reads before the write count: her record is read within the Management API's
	 * deadline, the write is answered within its own once released, and together they
	 * outlast the request's.
	 */
	@Test
	void patchMetadataWhenTheWriteIsConfirmedPastTheRequestDeadlineThenServiceUnavailableAndTheChangeStillFollowed()
			throws Exception {
		String token = aliceToken();
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		herRecordReadSlowly();
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "\"theme\"");

		expectRequestDeadlineProblem(patchMetadata(token, CHANGE), "may still be applied");

		// The change was not cancelled, and the caches follow its outcome.
		write.awaitReached();
		write.release();
		awaitTheChangeSeen(token);
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	// A passed deadline answered 503 with no log line at all: it leaves the filter chain
	// where the controller advice, which logs every other 5xx, never sees it. An operator
	// saw the gateway's 503s and nothing here.
	@Test
	void patchMetadataWhenTheRequestDeadlinePassesRepeatedlyThenOneLinePerMinuteNamingTheSettingWithACount(
			CapturedOutput output) throws Exception {
		String token = aliceToken();
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		herRecordReadSlowly();

		for (int i = 0; i < 2; i++) {
			changeAnsweredLate(token, "/me/metadata?secret-query=" + i);
		}
		assertThat(deadlineLines(output)).singleElement()
			.asString()
			.contains("PROFILE_REQUEST_DEADLINE", "2s", "PATCH /me/metadata ", "503", "1 since the last report")
			.doesNotContain("secret-query");

		this.clock.advance(LateRequests.LOG_INTERVAL);
		changeAnsweredLate(token, "/me/metadata?secret-query=2");
		assertThat(deadlineLines(output)).hasSize(2).last().asString().contains("2 since the last report");
		assertThat(output.getAll()).doesNotContain("secret-query");
	}

	// A body still arriving when the deadline passed (trickled, or shorter than its
	// Content-Length) was answered 503 "the change may still be applied", with a WARN
	// line
	// blaming an upstream: nothing had been sent, and the delay was the caller's.
	@Test
	void patchMetadataWhenTheBodyIsStillArrivingAtTheRequestDeadlineThenRequestTimeoutAndTheConnectionClosed(
			CapturedOutput output) {
		String token = aliceToken();
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		try (RawConnection connection = RawConnection.open(this.port)) {
			connection.send("PATCH /me/metadata HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
					+ "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"theme\":");

			RawConnection.Answer answer = new RawConnection.Answer(connection.readAnswerHead(PATIENCE));
			assertThat(answer.status()).as(answer.head()).isEqualTo(408);
			assertThat(answer.hasHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")).as(answer.head())
				.isTrue();
			assertThat(answer.hasHeader(HttpHeaders.CONNECTION, "close")).as(answer.head()).isTrue();
			assertThat(connection.closedByServerWithin(PATIENCE)).isTrue();
		}
		assertThat(deadlineLines(output)).isEmpty();
		upstreams.management().verify(0, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * A change answered 503 by the request deadline, her record read first (slowly) and
	 * the write held until then; once the change has landed, her profile is forgotten, so
	 * that the next change reads her record again.
	 */
	private void changeAnsweredLate(String token, String uri) throws Exception {
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "\"theme\"");
		expectRequestDeadlineProblem(patchMetadataAt(token, uri), "may still be applied");
		write.awaitReached();
		write.release();
		awaitTheChangeSeen(token);
		this.caches.clear().block(PATIENCE);
	}

	/** The 503 of {@code PROFILE_REQUEST_DEADLINE}, not of an upstream's own deadline. */
	private static void expectRequestDeadlineProblem(WebTestClient.ResponseSpec response, String detail) {
		response.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-unavailable")
			.jsonPath("$.detail")
			.value((text) -> assertThat((String) text).contains(detail));
	}

	/** A change reads her record first, to check its size against it. */
	private static void herRecordReadSlowly() {
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json")).withFixedDelay(SLOW_STEP_MILLIS)));
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK)));
	}

	private void awaitTheChangeSeen(String token) {
		Eventually.await("the change seen by the next reads", PATIENCE,
				() -> bodyOf(token).contains("\"theme\":\"dark\""));
	}

	private static List<String> deadlineLines(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> line.contains("PROFILE_REQUEST_DEADLINE")).toList();
	}

	/** Alice's token, issued now by the test's clock, which checks it. */
	private String aliceToken() {
		Instant now = this.clock.instant();
		return TestJwts.mint(issuer(), Upstreams.ALICE,
				(claims) -> claims.issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1)))));
	}

	private static int userinfoCalls() {
		return upstreams.idp().findAll(getRequestedFor(urlEqualTo("/userinfo"))).size();
	}

	private String bodyOf(String token) {
		byte[] body = getMe(token).expectStatus().isOk().expectBody().returnResult().getResponseBodyContent();
		return new String(body, StandardCharsets.UTF_8);
	}

	/**
	 * The metadata change at {@code uri}, as a client that names another path would send
	 * it.
	 */
	private WebTestClient.ResponseSpec patchMetadataAt(String token, String uri) {
		return this.client.patch()
			.uri(uri)
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.bodyValue(CHANGE)
			.exchange();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class MovableClock {

		@Bean
		@Primary
		MutableClock movableClock() {
			return new MutableClock();
		}

	}

}
