package dev.porter.profile.me;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.http.CacheControl;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user whose Auth0 record another client (an Action, Auth0's own SPA token with
 * {@code update:current_user_metadata}) grew past what this service reads (256 KiB):
 * Auth0 lets such writes through for now (auth0-contract.md §4). Her {@code GET /me} is
 * her own 502 ({@code CodecLimitsTests}), but she must still be able to delete keys, and
 * a change Auth0 confirmed must never be reported as one that may not have happened.
 */
class OversizedRecordTests extends ProfileServiceIntegrationTest {

	/** Alice as recorded: user_metadata {"favourite_attack": …}. */
	private static final String RECORDED = Fixtures.read("management/user-recorded.json");

	/** Alice once she had set {"theme": "dark"}. */
	private static final String DARK = Fixtures.read("management/user-recorded-patched.json");

	/** Alice as recorded, plus 300 KiB of notes another client wrote. */
	private static final String RECORDED_WITH_NOTES = withNotes(RECORDED);

	// Every PATCH read her current user first, only for size checks that a change that
	// only deletes skips: the read failed (502) and nothing was sent, so she could never
	// delete the key that made her record unreadable.
	@Test
	void patchMetadataWhenOnlyDeletingFromARecordTooLargeToReadThenSentWithoutReadingIt() {
		String token = aliceWhoseRecordIs(RECORDED_WITH_NOTES);
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.withRequestBody(equalToJson("{\"user_metadata\":{\"notes\":null}}"))
				.willReturn(okJson(RECORDED)));

		patchMetadata(token, "{\"notes\":null}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_metadata.notes")
			.doesNotExist()
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick");

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		upstreams.management().verify(0, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.notes").doesNotExist();
	}

	// Auth0 answered 200: the change was applied. Its answer, the whole user, was over
	// the read limit, and the caller was told the change "may have been applied", with
	// the 502 of an upstream that answered nonsense.
	@Test
	void patchMetadataWhenAuth0ConfirmsWithAUserTooLargeToReadThenNoContentAndHerCachedProfileDropped() {
		String token = aliceWhoseRecordIs(DARK);
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").isEqualTo("dark");
		// meanwhile another client wrote the notes: her cached profile does not show them
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(withNotes(DARK))));
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.withRequestBody(equalToJson("{\"user_metadata\":{\"theme\":null}}"))
				.willReturn(okJson(RECORDED_WITH_NOTES)));

		patchMetadata(token, "{\"theme\":null}").expectStatus()
			.isNoContent()
			.expectHeader()
			.cacheControl(CacheControl.noStore())
			.expectBody()
			.isEmpty();

		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(RECORDED_WITH_NOTES)));
		getMe(token).expectStatus().isEqualTo(502);
	}

	// A change that sets a key must be checked against her current profile, which cannot
	// be read: it was refused as the 502 of an upstream that answered nonsense, which
	// trying again never mends. What she can do is delete keys first.
	@Test
	void patchMetadataWhenSettingAKeyOnARecordTooLargeToReadThenRefusedAsTooLargeAndNothingSent() {
		String token = aliceWhoseRecordIs(RECORDED_WITH_NOTES);

		patchMetadata(token, "{\"notes\":null,\"theme\":\"dark\"}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/profile-too-large")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("only deletes").contains("Nothing was changed"));

		upstreams.management().verify(0, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	// A read of hers was on its way when she deleted the notes through another instance,
	// whose announcement dropped her entry here; the read's answer, too large, came after
	// that and was remembered: her next read was refused again without asking Auth0.
	@Test
	void getMeWhenHerRecordShrankElsewhereWhileAReadWasOnItsWayThenTheNextReadAsksAgain() throws Exception {
		String token = aliceWhoseRecordIs(RECORDED_WITH_NOTES);
		HeldAnswer read = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "");
		CompletableFuture<Integer> first = CompletableFuture
			.supplyAsync(() -> getMe(token).returnResult(byte[].class).getStatus().value());
		read.awaitReached();

		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(RECORDED)));
		this.caches.directoryChangedElsewhere(Upstreams.ALICE);
		read.release();

		assertThat(first.join()).as("answered as Auth0 had her then").isEqualTo(502);
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.notes").doesNotExist();
		upstreams.management().verify(2, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	private static String withNotes(String user) {
		return user.replace("\"user_metadata\":{", "\"user_metadata\":{\"notes\":\"" + "n".repeat(300 * 1024) + "\",");
	}

	private String aliceWhoseRecordIs(String user) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(user)));
		return token;
	}

}
