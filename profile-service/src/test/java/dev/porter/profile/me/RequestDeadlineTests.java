package dev.porter.profile.me;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.porter.profile.config.UpstreamDeadlines;
import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;

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
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request's total time, {@code PROFILE_REQUEST_DEADLINE}, whatever its upstream calls
 * take each. Without it a {@code GET /me} took as long as its slowest upstream's deadline
 * and a {@code PATCH} the reads' and the write's one after the other: longer than the
 * gateway waits (its {@code RELAY_RESPONSE_TIMEOUT}), whose own time-out then counted
 * against its relay circuit for every user, where a 503 of ours does not. Test settings:
 * a 2 s request deadline, each upstream far more patient (6 s per attempt). Start-up
 * refuses upstreams more patient than the request ({@link UpstreamDeadlines}: then a
 * single call's deadline ends first); the request deadline still ends a {@code PATCH}'s
 * calls one after another, or a slow token check ({@link ColdKeysDeadlineTests}). Here
 * that check is left out, to meet the request deadline with one slow call.
 */
@TestPropertySource(properties = "porter.test.request-deadline=2s")
@Import(RequestDeadlineTests.MovableClock.class)
@ExtendWith(OutputCaptureExtension.class)
class RequestDeadlineTests extends ProfileServiceIntegrationTest {

	@MockitoBean
	private UpstreamDeadlines upstreamDeadlines;

	/** Alice once the change {@code {"theme":"dark"}} was applied. */
	private static final String DARK = Fixtures.read("management/user-recorded-patched.json");

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@Autowired
	private MutableClock clock;

	@Test
	void getMeWhenAnUpstreamAnswersPastTheRequestDeadlineThenServiceUnavailableAndTheAnswerIsStillCached() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(okJson(Fixtures.read("userinfo/recorded.json")).withFixedDelay(3000)));

		getMe(token).expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-unavailable");

		// The load went on without the caller: its answer serves the next request, and
		// /userinfo is not asked again.
		Eventually.await("the late /userinfo answered", PATIENCE, () -> userinfoCalls() == 1);
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.email").isNotEmpty();
		assertThat(userinfoCalls()).isEqualTo(1);
	}

	@Test
	void patchMetadataWhenTheWriteIsConfirmedPastTheRequestDeadlineThenServiceUnavailableAndTheChangeStillFollowed() {
		String token = aliceReadOnce();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK).withFixedDelay(3000)));

		patchMetadata(token, "{\"theme\":\"dark\"}").expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("may"));

		// The change was not cancelled, and the caches follow its outcome.
		Eventually.await("the change seen by the next reads", PATIENCE,
				() -> bodyOf(token).contains("\"theme\":\"dark\""));
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/** The reads before the write count: each within the deadline, not both together. */
	@Test
	void patchMetadataWhenItsReadsAndItsWriteTogetherOutlastTheRequestDeadlineThenServiceUnavailable() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json")).withFixedDelay(1200)));
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK).withFixedDelay(1200)));

		patchMetadata(token, "{\"theme\":\"dark\"}").expectStatus().isEqualTo(503);
	}

	// A passed deadline answered 503 with no log line at all: it leaves the filter chain
	// where the controller advice, which logs every other 5xx, never sees it. An operator
	// saw the gateway's 503s and nothing here.
	@Test
	void getMeWhenTheRequestDeadlinePassesRepeatedlyThenOneLinePerMinuteNamingTheSettingWithACount(
			CapturedOutput output) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json")).withFixedDelay(5000)));

		// the second joins the first one's load, still on its way
		for (int i = 0; i < 2; i++) {
			getMe(token, "/me?secret-query=" + i).expectStatus().isEqualTo(503);
		}
		assertThat(deadlineLines(output)).singleElement()
			.asString()
			.contains("PROFILE_REQUEST_DEADLINE", "2s", "GET /me ", "503", "1 since the last report")
			.doesNotContain("secret-query");

		this.clock.advance(Duration.ofMinutes(1));
		this.caches.clear().block(PATIENCE);
		getMe(token, "/me?secret-query=2").expectStatus().isEqualTo(503);
		assertThat(deadlineLines(output)).hasSize(2).last().asString().contains("2 since the last report");
		assertThat(output.getAll()).doesNotContain("secret-query");
	}

	private static List<String> deadlineLines(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> line.contains("PROFILE_REQUEST_DEADLINE")).toList();
	}

	/** Alice's token and her profile read once, so that it is cached. */
	private String aliceReadOnce() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").doesNotExist();
		return token;
	}

	private static int userinfoCalls() {
		return upstreams.idp().findAll(getRequestedFor(urlEqualTo("/userinfo"))).size();
	}

	private WebTestClient.ResponseSpec getMe(String token) {
		return getMe(token, "/me");
	}

	private WebTestClient.ResponseSpec getMe(String token, String uri) {
		return this.client.get().uri(uri).headers((h) -> h.setBearerAuth(token)).exchange();
	}

	private String bodyOf(String token) {
		byte[] body = getMe(token).expectStatus().isOk().expectBody().returnResult().getResponseBodyContent();
		return new String(body, StandardCharsets.UTF_8);
	}

	private WebTestClient.ResponseSpec patchMetadata(String token, String body) {
		return this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.bodyValue(body)
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
