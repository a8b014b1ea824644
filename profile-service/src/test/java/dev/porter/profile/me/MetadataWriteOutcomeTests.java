package dev.porter.profile.me;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.RateLimitReset;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A metadata change whose outcome the caches must follow though the request that made it
 * did not end well: its {@code /userinfo} failed, or the write timed out after it may
 * have been applied. A later {@code GET /me} must show what Auth0 holds, not what this
 * instance cached before. Test settings: 1 s per Management attempt, 3 s deadline. A
 * write times out because Auth0 holds its answer until the test releases it
 * ({@link #auth0AnswersTheWriteTooLate}), not because a fixed delay outran the attempt
 * timeout, which a loaded machine may fire late. A caller that went away, and overlapping
 * changes: {@link MetadataOverlapTests}, with the default attempt timeout.
 */
@TestPropertySource(properties = { "porter.test.management.attempt-timeout=1s", "porter.test.management.deadline=3s" })
class MetadataWriteOutcomeTests extends ProfileServiceIntegrationTest {

	/** Alice once the change {@code {"theme":"dark"}} was applied. */
	private static final String DARK = Fixtures.read("management/user-recorded-patched.json");

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	/** Alice's token, her cached profile read once, and her change answered by Auth0. */

	/** Auth0 has applied the changes: its user is now {@code user}. */
	private static void auth0Holds(String user) {
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(user)));
	}

	/**
	 * Auth0 receives her change and holds its answer until the test releases it
	 * ({@link Upstreams#releaseHeldAnswers}): the attempt times out, and the change may
	 * have been applied. A timed-out write is never sent again: a second attempt would be
	 * answered at once, and confirmed.
	 * @return the hold of the write
	 */
	private HeldAnswer auth0AnswersTheWriteTooLate() {
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK)));
		return upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");
	}

	@Test
	void patchMetadataWhenUserinfoRefusesOnTheUsersOwnLimitThenTooManyRequestsAndNothingWritten() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		// Auth0's /userinfo limit is the user's: a 429 whose reset is beyond the wait
		// budget. Answered a second late: a change sent beside /userinfo rather than
		// after it (as it once was) would have reached the Management API by then.
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(429)
				.withHeader("X-RateLimit-Reset", Long.toString(Instant.now().getEpochSecond() + 60))
				.withFixedDelay(1000)));
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK)));

		// the user's own limit: 429 (CallerCausedRefusalTests)
		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus().isEqualTo(429);

		// The caller was told it failed: it must not have happened.
		upstreams.management().verify(0, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenTheWriteTimesOutThenTheNextReadShowsWhatAuth0Applied() {
		String token = aliceReadOnce();
		HeldAnswer write = auth0AnswersTheWriteTooLate();

		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus().isEqualTo(503);
		assertThat(write.reached()).as("the write reached Auth0").isDone();
		upstreams.releaseHeldAnswers();
		auth0Holds(DARK);

		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").isEqualTo("dark");
	}

	// The write timed out here but Auth0 got it, and applies it after a read that came in
	// between: that read cached the user as she was, and nothing dropped her entry again,
	// so the profile without her change was served for the whole fresh-for time.
	@Test
	void patchMetadataWhenTheTimedOutWriteLandsAfterANewReadThenThatReadIsNotTrustedOnceTheWriteSettled() {
		String token = aliceReadOnce();
		HeldAnswer write = auth0AnswersTheWriteTooLate();
		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus().isEqualTo(503);
		assertThat(write.reached()).as("the write reached Auth0").isDone();
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").doesNotExist();

		upstreams.releaseHeldAnswers();
		auth0Holds(DARK);
		this.ticker.advance(ProfileCaches.WRITE_SETTLES_WITHIN);

		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").isEqualTo("dark");
	}

	// An Action may expose user_metadata as a custom /userinfo claim (auth0-contract.md:
	// "custom claims always return the latest value"): the /userinfo entry of the user
	// who changed it showed the old value next to her new user_metadata for the whole
	// fresh-for time (5 min).
	@Test
	void patchMetadataWhenConfirmedThenTheNextReadsRevalidateTheCallersUserinfo() {
		String token = aliceReadOnce();
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK)));
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(okJson(Fixtures.read("userinfo/recorded.json")
				.replace("\"https://porter.example/roles\":[\"reader\"]",
						"\"https://porter.example/theme\":\"dark\""))));

		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus().isOk();

		Eventually.await("the claim of the changed metadata seen by the next reads", PATIENCE,
				() -> body(token).contains("\"https://porter.example/theme\":\"dark\""));
	}

	/**
	 * The first attempt got a 5xx (Auth0 may have applied the change), its retry a 429
	 * beyond the wait budget: the failure the caller gets says "not sent", the first
	 * attempt does not.
	 */
	@Test
	void patchMetadataWhenAnAttemptGotA5xxAndItsRetryWasRefusedThenTheNextReadShowsWhatAuth0Applied() {
		String token = aliceReadOnce();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("retried")
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(Upstreams.status(503))
				.willSetStateTo("rate limited"));
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("retried")
				.whenScenarioStateIs("rate limited")
				.willReturn(Upstreams.status(429)
					.withHeader("X-RateLimit-Reset", Long.toString(Instant.now().getEpochSecond() + 30))));

		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus().isEqualTo(503);
		upstreams.management().verify(2, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		auth0Holds(DARK);

		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").isEqualTo("dark");
	}

	// The caller of a change whose outcome is unknown must learn that it may have been
	// applied and that sending it again is safe; only the request-deadline path said so,
	// every other one answered "unavailable ... try again later", as if nothing happened.
	@Test
	void patchMetadataWhenTheWriteTimesOutThenTheCallerIsToldItMayStillBeApplied() {
		String token = aliceReadOnce();
		HeldAnswer write = auth0AnswersTheWriteTooLate();

		expectMayHaveBeenApplied(patchMetadata(this.client, token, "{\"theme\":\"dark\"}"), 503,
				"upstream-unavailable");
		assertThat(write.reached()).as("the write reached Auth0").isDone();
		upstreams.releaseHeldAnswers();
	}

	@Test
	void patchMetadataWhenAnAttemptGotA5xxAndItsRetryWasRefusedThenTheCallerIsToldItMayHaveBeenApplied() {
		String token = aliceReadOnce();
		RateLimitReset reset = RateLimitReset.in(30);
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("retried")
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(Upstreams.status(503))
				.willSetStateTo("rate limited"));
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("retried")
				.whenScenarioStateIs("rate limited")
				.willReturn(Upstreams.status(429).withHeader("X-RateLimit-Reset", reset.header())));

		Instant asked = Instant.now();
		WebTestClient.ResponseSpec response = patchMetadata(this.client, token, "{\"theme\":\"dark\"}");
		Instant answered = Instant.now();

		// the seconds left until the reset when the 429 arrived, some time in between
		expectMayHaveBeenApplied(response, 503, "upstream-unavailable").expectHeader()
			.value(HttpHeaders.RETRY_AFTER, (wait) -> assertThat(Long.parseLong(wait))
				.isBetween(reset.retryAfterAt(answered), reset.retryAfterAt(asked)));
	}

	@Test
	void patchMetadataWhenTheWriteIsAnsweredWithSomethingUnreadableThenTheCallerIsToldItMayHaveBeenApplied() {
		String token = aliceReadOnce();
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson("[]")));

		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-bad-response")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("may have been applied").contains("send it again"));
	}

	@Test
	void patchMetadataWhenNeverSentThenTheCallerIsNotToldItMayHaveBeenApplied() {
		String token = aliceReadOnce();
		managementCircuit().transitionToOpenState();

		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).doesNotContain("applied"));
	}

	/**
	 * A change refused before it was sent left Auth0 as it was: the cached profile keeps
	 * serving through the outage instead of being dropped for a reload that cannot
	 * succeed.
	 */
	@Test
	void patchMetadataWhenTheManagementCircuitIsOpenThenTheCachedProfileStillServes() {
		String token = aliceReadOnce();
		managementCircuit().transitionToOpenState();

		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus().isEqualTo(503);

		getMe(token).expectStatus()
			.isOk()
			.expectHeader()
			.valueMatches("Cache-Status", "profile-service; hit; ttl=\\d+")
			.expectBody()
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick");
		upstreams.management().verify(0, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * The M2M application lacks {@code update:users}: Auth0 refuses the write with a 403
	 * (auth0-contract.md §3, §5), which changed nothing. The caller was told the change
	 * may have been applied, and her cached profile was dropped here and on every other
	 * instance, and marked to be dropped again once the change "settled".
	 */
	@Test
	void patchMetadataWhenAuth0RefusesOurTokensScopeThenNotToldItMayHaveBeenAppliedAndTheCachedProfileStillServes() {
		String token = aliceReadOnce();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(403)
				.withHeader(HttpHeaders.CONTENT_TYPE, "application/json")
				.withBody(Fixtures.read("management/error-insufficient-scope.json"))));

		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-bad-response")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).doesNotContain("applied", "send it again"));
		this.ticker.advance(ProfileCaches.WRITE_SETTLES_WITHIN);

		getMe(token).expectStatus()
			.isOk()
			.expectHeader()
			.valueMatches("Cache-Status", "profile-service; hit; ttl=\\d+")
			.expectBody()
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick");
	}

	/**
	 * The user was deleted in Auth0 while this instance held her profile: the change's
	 * 404 is an answer about her, and her cached profile must not keep serving.
	 */
	@Test
	void patchMetadataWhenTheUserWasDeletedInAuth0ThenNotFoundAndHerCachedProfileGone() {
		String token = aliceReadOnce();
		String notFound = Fixtures.read("management/error-not-found.json");
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(
					Upstreams.status(404).withHeader(HttpHeaders.CONTENT_TYPE, "application/json").withBody(notFound)));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(
					Upstreams.status(404).withHeader(HttpHeaders.CONTENT_TYPE, "application/json").withBody(notFound)));

		patchMetadata(this.client, token, "{\"theme\":\"dark\"}").expectStatus().isNotFound();

		getMe(token).expectStatus().isNotFound();
	}

	private static WebTestClient.ResponseSpec expectMayHaveBeenApplied(WebTestClient.ResponseSpec response, int status,
			String type) {
		response.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/" + type)
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("may have been applied").contains("send it again"));
		return response;
	}

	private String body(String token) {
		byte[] body = getMe(token).expectStatus().isOk().expectBody().returnResult().getResponseBodyContent();
		return new String(body, java.nio.charset.StandardCharsets.UTF_8);
	}

	private static WebTestClient.ResponseSpec patchMetadata(WebTestClient client, String token, String body) {
		return client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.bodyValue(body)
			.exchange();
	}

}
