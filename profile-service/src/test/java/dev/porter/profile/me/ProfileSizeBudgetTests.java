package dev.porter.profile.me;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.http.MediaType;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A metadata change that fits the 10 KiB {@code user_metadata} limit but would make the
 * whole profile larger than Auth0's 10 KB is refused before any write is sent (recorded
 * user: 662 bytes, 40 of them {@code user_metadata}).
 */
class ProfileSizeBudgetTests extends ProfileServiceIntegrationTest {

	private static final String RECORDED = Fixtures.read("management/user-recorded.json");

	private String alice() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		return token;
	}

	@Test
	void patchMetadataWhenWholeProfileWouldExceedTenKilobytesThenUnprocessableAndNothingSent() {
		String token = alice();
		// about 9,850 bytes of user_metadata: under its own 10 KiB limit, over 10 KB with
		// the rest of the profile
		String body = "{\"a\":\"" + "x".repeat(4900) + "\",\"b\":\"" + "x".repeat(4900) + "\"}";

		patchMetadata(token, body).expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/profile-too-large")
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).contains("Auth0's 10 KB limit")
				.containsPattern("would be \\d{5} bytes"));

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenWholeProfileStaysWithinTenKilobytesThenSent() {
		String token = alice();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));
		String body = "{\"a\":\"" + "x".repeat(4000) + "\",\"b\":\"" + "x".repeat(4000) + "\"}";

		patchMetadata(token, body).expectStatus().isOk();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * Auth0 lets writes past 10 KB through for now, and other writers (Actions setting
	 * app_metadata, linked identities) can grow a profile past it: a change that does not
	 * make it larger must go through, or the user could never delete anything again.
	 */
	@Test
	void patchMetadataWhenProfileAlreadyOversizedAndTheChangeShrinksItThenSent() {
		String token = alice();
		String oversized = storedWith("app_metadata", "history", 11_000);
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(oversized.replace("\"favourite_attack\":\"roundhouse_kick\"",
						"\"favourite_attack\":\"roundhouse_kick\",\"x\":1"))));

		patchMetadata(token, "{\"favourite_attack\":null}").expectStatus().isOk();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenProfileAlreadyOversizedAndTheChangeGrowsItThenUnprocessableAndNothingSent() {
		String token = alice();
		String oversized = storedWith("app_metadata", "history", 11_000);

		patchMetadata(token, "{\"theme\":\"dark\"}").expectStatus().isEqualTo(422);

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	/**
	 * While her profile is past the budget a deletion earns no credit: "drop
	 * favourite_attack, set b" looks smaller, but sent through two instances together
	 * with "drop favourite_attack, set c", each checked against the same user, Auth0
	 * would merge both and her profile grow by b and c; repeated, until it is too large
	 * to read. Which changes of such a profile grow no key, and go: MetadataPatchTests.
	 */
	@Test
	void patchMetadataWhenProfileAlreadyOversizedAndTheChangeDeletesAKeyAndSetsANewSmallerOneThenUnprocessableAndNothingSent() {
		String token = alice();
		storedWith("app_metadata", "history", 11_000);
		stubPatchAnswered();

		patchMetadata(token, "{\"favourite_attack\":null,\"b\":\"x\"}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).containsPattern("already \\d{5} bytes")
				.contains("only delete keys or give the keys it has values no larger"));

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenUserMetadataAlreadyOverTenKibAndTheChangeShrinksItThenSent() {
		String token = alice();
		storedWith("user_metadata", "notes", 10_500);
		stubPatchAnswered();

		patchMetadata(token, "{\"favourite_attack\":null}").expectStatus().isOk();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenUserMetadataAlreadyOverTenKibAndASetShrinksItThenSent() {
		String token = alice();
		storedWith("user_metadata", "notes", 10_500);
		stubPatchAnswered();

		patchMetadata(token, "{\"favourite_attack\":\"kick\"}").expectStatus().isOk();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenUserMetadataAlreadyOverTenKibAndTheChangeDeletesAKeyAndSetsANewSmallerOneThenBadRequestAndNothingSent() {
		String token = alice();
		storedWith("user_metadata", "notes", 10_500);
		stubPatchAnswered();

		patchMetadata(token, "{\"favourite_attack\":null,\"theme\":\"dark\"}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].detail")
			.value((detail) -> assertThat(detail.toString()).contains("exceed 10240 bytes")
				.contains("only deleting keys or giving the keys it has values no larger"));

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenUserMetadataAlreadyOverTenKibAndASetGrowsItThenBadRequestAndNothingSent() {
		String token = alice();
		storedWith("user_metadata", "notes", 10_500);

		patchMetadata(token, "{\"theme\":\"dark\"}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].detail")
			.value((detail) -> assertThat(detail.toString()).contains("exceed 10240 bytes"));

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	/**
	 * Alice as the Management API now answers her: the recorded user with a string of
	 * {@code length} characters under {@code key} in {@code object}, written by another
	 * writer than this service.
	 */
	private static String storedWith(String object, String key, int length) {
		return stub(with(RECORDED, object, key, length));
	}

	private static String with(String stored, String object, String key, int length) {
		return stored.replace("\"" + object + "\":{",
				"\"" + object + "\":{\"" + key + "\":\"" + "x".repeat(length) + "\",");
	}

	private static String stub(String stored) {
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(stored)));
		return stored;
	}

	private static void stubPatchAnswered() {
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(RECORDED)));
	}

}
