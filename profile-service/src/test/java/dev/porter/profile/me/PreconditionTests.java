package dev.porter.profile.me;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conditional {@code PATCH /me/metadata} (RFC 9110 §13.1): the SPA's lost-update guard.
 * Tab A read {@code /me} (its {@code ETag}), the user edits {@code address} (replaced
 * whole), another device changes her profile meanwhile, and tab A sends its change with
 * {@code If-Match}. The preconditions were never read: the change was applied and the
 * other device's overwritten. They are evaluated against her profile as {@code GET /me}
 * would answer it now, her user read from the directory past the cache (another instance,
 * device or Auth0 client may have changed it), and a false one is a 412 with the current
 * {@code ETag}, nothing sent.
 */
class PreconditionTests extends ProfileServiceIntegrationTest {

	/** Alice as recorded: user_metadata {"favourite_attack": …}. */
	private static final String RECORDED = Fixtures.read("management/user-recorded.json");

	/** Alice once another device of hers had set {"theme": "dark"}. */
	private static final String DARK = Fixtures.read("management/user-recorded-patched.json");

	private static final String ADDRESS = "{\"address\":{\"street\":\"1 Main St\",\"city\":\"Wellington\"}}";

	@Autowired
	private MetadataChanges metadataChanges;

	private String token;

	@BeforeEach
	void aliceWhomAuth0AppliesChangesTo() {
		this.token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(this.token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK)));
	}

	@Test
	void patchMetadataWhenIfMatchNamesTheProfileBeforeAnotherDevicesChangeThenPreconditionFailedAndNothingSent() {
		String read = etagOfGetMe();
		// another device changed her through another instance or Auth0 client: this
		// instance's cache still holds her as she was
		anotherDeviceMadeHerDark();
		assertThat(etagOfGetMe()).as("the cached profile, still as tab A read it").isEqualTo(read);

		EntityExchangeResult<byte[]> refused = patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, read)
			.expectStatus()
			.isEqualTo(412)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/precondition-failed")
			.jsonPath("$.header")
			.isEqualTo("If-Match")
			.jsonPath("$.detail")
			.value(String.class, (detail) -> assertThat(detail).contains("If-Match").contains("Nothing was changed"))
			.returnResult();

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
		String current = refused.getResponseHeaders().getETag();
		assertThat(current).as("the current ETag").isNotNull().isNotEqualTo(read);
		// the ETag is GET /me's for the same data: the read tab A makes next answers it
		getMe(this.token).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, current)
			.expectBody()
			.jsonPath("$.user_metadata.theme")
			.isEqualTo("dark");
	}

	/**
	 * After a 412 the client reads {@code /me} again, as told. The failure had her user
	 * read from the directory, and then dropped it: that read cost another Management API
	 * call, a 503 when the tenant's budget was spent.
	 */
	@Test
	void getMeAfterAPreconditionFailedThenTheUserItWasEvaluatedAgainstWithoutAskingTheDirectoryAgain() {
		String read = etagOfGetMe();
		anotherDeviceMadeHerDark();

		String current = patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, read).expectStatus()
			.isEqualTo(412)
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getETag();

		getMe(this.token).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, current)
			.expectHeader()
			.value("Cache-Status", (status) -> assertThat(status).contains("hit"));
		// her first GET /me, and the precondition's read
		upstreams.management().verify(2, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * An empty change whose precondition held answers the profile it was evaluated
	 * against, read afresh; the cache kept the older one, and her next {@code GET /me}
	 * answered an older {@code ETag} than the one she had just been given.
	 */
	@Test
	void getMeAfterAnEmptyChangeWhosePreconditionHeldThenItsETagWithoutAskingTheDirectoryAgain() {
		String read = etagOfGetMe();
		anotherDeviceMadeHerDark();

		String current = patchMetadata(this.token, "{}", HttpHeaders.IF_MATCH, "*").expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getETag();

		assertThat(current).isNotEqualTo(read);
		getMe(this.token).expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, current);
		upstreams.management().verify(2, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenIfMatchNamesAProfileSinceChangedThroughThisServiceThenPreconditionFailed() {
		String read = etagOfGetMe();
		patchMetadata(this.token, "{\"theme\":\"dark\"}").expectStatus().isOk();
		anotherDeviceMadeHerDark();

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, read).expectStatus().isEqualTo(412);

		upstreams.management()
			.verify(0, patchRequestedFor(anyUrl()).withRequestBody(equalToJson("{\"user_metadata\":" + ADDRESS + "}")));
	}

	@Test
	void patchMetadataWhenIfMatchNamesTheCurrentProfileThenAppliedAfterReadingHerUserAfresh() {
		String read = etagOfGetMe();

		String changed = patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, read).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; fwd=method; stored")
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getETag();

		assertThat(changed).isNotEqualTo(read);
		upstreams.management()
			.verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH))
				.withRequestBody(equalToJson("{\"user_metadata\":" + ADDRESS + "}")));
		// once for GET /me, once more for the precondition
		upstreams.management().verify(2, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenIfMatchIsAnyThenAppliedToTheUserThatExists() {
		etagOfGetMe();
		anotherDeviceMadeHerDark();

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, "*").expectStatus().isOk();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenIfMatchIsAnyAndTheUserIsGoneThenNotFoundAndNothingSent() {
		etagOfGetMe();
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/error-not-found.json")).withStatus(404)));

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, "*").expectStatus().isNotFound();

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	/** RFC 9110 §13.1.1: If-Match compares strongly; a weak tag never matches. */
	@Test
	void patchMetadataWhenIfMatchIsTheCurrentETagMadeWeakThenPreconditionFailed() {
		String read = etagOfGetMe();

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, "W/" + read).expectStatus().isEqualTo(412);

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenIfMatchListsTheCurrentETagAmongOthersThenApplied() {
		String read = etagOfGetMe();

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, "\"older\", " + read).expectStatus().isOk();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/** {@code *}: "only if it does not exist yet"; her profile always exists. */
	@Test
	void patchMetadataWhenIfNoneMatchIsAnyThenPreconditionFailedNamingItAndNothingSent() {
		etagOfGetMe();

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_NONE_MATCH, "*").expectStatus()
			.isEqualTo(412)
			.expectHeader()
			.exists(HttpHeaders.ETAG)
			.expectBody()
			.jsonPath("$.header")
			.isEqualTo("If-None-Match")
			.jsonPath("$.detail")
			.value(String.class, (detail) -> assertThat(detail).contains("If-None-Match"));

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenIfNoneMatchNamesTheCurrentProfileThenPreconditionFailed() {
		String read = etagOfGetMe();

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_NONE_MATCH, read).expectStatus().isEqualTo(412);

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenIfNoneMatchNamesAnOlderProfileThenApplied() {
		String read = etagOfGetMe();
		anotherDeviceMadeHerDark();

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_NONE_MATCH, read).expectStatus().isOk();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	// A change that only deletes goes out at once, past the queue and the reads a change
	// that sets keys waits for: its preconditions must be evaluated all the same.
	@Test
	void patchMetadataWhenOnlyDeletingWithAnOutdatedIfMatchThenPreconditionFailedAndNothingSent() {
		String read = etagOfGetMe();
		anotherDeviceMadeHerDark();

		patchMetadata(this.token, "{\"favourite_attack\":null}", HttpHeaders.IF_MATCH, read).expectStatus()
			.isEqualTo(412);

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenEmptyWithAnOutdatedIfMatchThenPreconditionFailed() {
		String read = etagOfGetMe();
		anotherDeviceMadeHerDark();

		patchMetadata(this.token, "{}", HttpHeaders.IF_MATCH, read).expectStatus().isEqualTo(412);
	}

	@Test
	void patchMetadataWhenEmptyWithTheCurrentIfMatchThenTheProfileItWasEvaluatedAgainst() {
		String read = etagOfGetMe();

		patchMetadata(this.token, "{}", HttpHeaders.IF_MATCH, read).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, read);

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	// RFC 9110 §13.2.1 lets either come first; the body's rules need no upstream, and
	// the same body would be refused against any version of her profile.
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "{\"theme\":", "{\"a.b\":1}", "[1]" })
	void patchMetadataWhenBodyBadAndIfMatchOutdatedThenBadRequestWithoutReadingTheDirectory(String body) {
		String read = etagOfGetMe();
		anotherDeviceMadeHerDark();

		patchMetadata(this.token, body, HttpHeaders.IF_MATCH, read).expectStatus().isBadRequest();

		upstreams.management().verify(1, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenTheDirectoryFailsTheReadOfThePreconditionThenUnavailableAndNothingSent() {
		String read = etagOfGetMe();
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(503)));

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_MATCH, read).expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	/** No precondition: today's cost, her cached user and no read past it. */
	@Test
	void patchMetadataWithoutPreconditionsThenNoReadPastTheCache() {
		etagOfGetMe();

		patchMetadata(this.token, ADDRESS).expectStatus().isOk();

		upstreams.management().verify(1, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * RFC 9110 §13.1.4: ignored for a resource without a modification date; {@code /me}
	 * sends no {@code Last-Modified} (see README: conditional changes).
	 */
	@Test
	void patchMetadataWhenIfUnmodifiedSinceAloneThenIgnored() {
		etagOfGetMe();

		patchMetadata(this.token, ADDRESS, HttpHeaders.IF_UNMODIFIED_SINCE, "Sat, 01 Jan 2000 00:00:00 GMT")
			.expectStatus()
			.isOk();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	// Two tabs of hers send their change at once, both made on the profile she read:
	// within an instance her changes go one after another, so the second is evaluated
	// against what the first left, whether it sets keys or only deletes.
	@Test
	void patchMetadataWhenTwoChangesOnTheSameETagArriveTogetherThenTheSecondFails() throws Exception {
		// Auth0 has her as recorded until the first change, and dark after it
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("alice")
				.whenScenarioStateIs(STARTED)
				.willReturn(okJson(RECORDED)));
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("alice")
				.willSetStateTo("dark")
				.willReturn(okJson(DARK)));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("alice")
				.whenScenarioStateIs("dark")
				.willReturn(okJson(DARK)));
		String read = etagOfGetMe();
		HeldAnswer firstWrite = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");

		CompletableFuture<EntityExchangeResult<String>> first = patchInBackground("{\"theme\":\"dark\"}", read);
		firstWrite.awaitReached();
		CompletableFuture<EntityExchangeResult<String>> second = patchInBackground("{\"favourite_attack\":null}", read);
		Eventually.await("the second change waits for the first", Duration.ofSeconds(10),
				() -> this.metadataChanges.changesWaiting(Upstreams.ALICE) == 1);
		firstWrite.release();

		assertThat(List.of(first.get(), second.get())).extracting((answer) -> answer.getStatus().value())
			.containsExactly(200, 412);
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * Her user as Auth0 now has it, changed by a device of hers this instance never heard
	 * of.
	 */
	private void anotherDeviceMadeHerDark() {
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK)));
	}

	private String etagOfGetMe() {
		String etag = getMe(this.token).expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getETag();
		assertThat(etag).isNotNull();
		return etag;
	}

	private WebTestClient.ResponseSpec patchMetadata(String token, String body, String header, String value) {
		return this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
			.header(header, value)
			.bodyValue(body)
			.exchange();
	}

	private CompletableFuture<EntityExchangeResult<String>> patchInBackground(String body, String ifMatch) {
		return CompletableFuture
			.supplyAsync(() -> patchMetadata(this.token, body, HttpHeaders.IF_MATCH, ifMatch).expectBody(String.class)
				.returnResult());
	}

}
