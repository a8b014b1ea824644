package dev.porter.profile.me;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes of one user that arrive together, each within Auth0's 10 KB profile budget on
 * its own and over it together. Checked at once against the same cached user, each passed
 * and Auth0 merged them all (it accepts profiles past its limit for now), growing her
 * record without bound. Each must be checked against the user the change before it
 * returned.
 */
class ConcurrentChangesBudgetTests extends ProfileServiceIntegrationTest {

	private static final String RECORDED = Fixtures.read("management/user-recorded.json");

	/** A value that fits the budget once, and not twice. */
	private static final String HALF = "x".repeat(5000);

	@Test
	void patchMetadataWhenChangesTogetherExceedTheBudgetThenThoseBeyondItRefusedAndNeverSent() throws Exception {
		String reader = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(reader, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		this.client.get().uri("/me").headers((h) -> h.setBearerAuth(reader)).exchange().expectStatus().isOk();
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(okJson(Fixtures.read("userinfo/recorded.json"))));
		for (String key : List.of("a", "b")) {
			// Auth0 answers each change with her user as it alone made it: the first
			// sent is confirmed first, and the one checked after it sees it.
			upstreams.management()
				.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
					.withRequestBody(matchingJsonPath("$.user_metadata." + key))
					.willReturn(okJson(RECORDED.replace("\"user_metadata\":{",
							"\"user_metadata\":{\"" + key + "\":\"" + HALF + "\","))));
		}
		// Two devices of hers (their own /userinfo entries): both requests have arrived
		// once both /userinfo calls are held.
		HeldAnswer firstUserinfo = upstreams.holdIdpAnswer("/userinfo", "");
		HeldAnswer secondUserinfo = upstreams.holdIdpAnswer("/userinfo", "");
		HeldAnswer firstWrite = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");
		CompletableFuture<EntityExchangeResult<String>> a = patchInBackground("openid profile",
				"{\"a\":\"" + HALF + "\"}");
		CompletableFuture<EntityExchangeResult<String>> b = patchInBackground("openid email",
				"{\"b\":\"" + HALF + "\"}");
		firstUserinfo.awaitReached();
		secondUserinfo.awaitReached();

		firstUserinfo.release();
		secondUserinfo.release();
		firstWrite.awaitReached();
		firstWrite.release();

		List<EntityExchangeResult<String>> answers = List.of(a.get(), b.get());
		assertThat(answers).extracting((answer) -> answer.getStatus().value())
			.as("one change fits, the other does not")
			.containsExactlyInAnyOrder(200, 422);
		assertThat(answers).filteredOn((answer) -> answer.getStatus().value() == 422)
			.singleElement()
			.extracting(EntityExchangeResult::getResponseBody)
			.asString()
			.contains("profile-too-large")
			.contains("Auth0's 10 KB limit");
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * A profile an Action keeps past the budget, and two changes that each looked no
	 * larger ("drop favourite_attack, set a" and "drop favourite_attack, set b", each
	 * value no longer than the one dropped). Sent through two instances, each is checked
	 * against the same user, alone in its turn there, and Auth0 merges both: the second
	 * key is added for nothing, and so on until the record is too large to read. While
	 * the profile is over the budget a deletion earns no credit, so neither is sent.
	 */
	@Test
	void patchMetadataWhenChangesOfAnOversizedProfileEachDropAKeyAndSetANewOneThenBothRefusedAndNeverSent()
			throws Exception {
		String oversized = RECORDED.replace("\"app_metadata\":{",
				"\"app_metadata\":{\"history\":\"" + "x".repeat(11_000) + "\",");
		String reader = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(reader, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(oversized)));
		this.client.get().uri("/me").headers((h) -> h.setBearerAuth(reader)).exchange().expectStatus().isOk();
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(okJson(Fixtures.read("userinfo/recorded.json"))));
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(oversized)));
		HeldAnswer firstUserinfo = upstreams.holdIdpAnswer("/userinfo", "");
		HeldAnswer secondUserinfo = upstreams.holdIdpAnswer("/userinfo", "");
		CompletableFuture<EntityExchangeResult<String>> a = patchInBackground("openid profile",
				"{\"favourite_attack\":null,\"a\":\"roundhouse_kick\"}");
		CompletableFuture<EntityExchangeResult<String>> b = patchInBackground("openid email",
				"{\"favourite_attack\":null,\"b\":\"roundhouse_kick\"}");
		firstUserinfo.awaitReached();
		secondUserinfo.awaitReached();

		firstUserinfo.release();
		secondUserinfo.release();

		assertThat(List.of(a.get(), b.get())).extracting((answer) -> answer.getStatus().value())
			.as("a new key while past the budget, whatever is dropped with it")
			.containsExactly(422, 422);
		upstreams.management().verify(0, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	private CompletableFuture<EntityExchangeResult<String>> patchInBackground(String scope, String body) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE, (claims) -> claims.claim("scope", scope));
		return CompletableFuture.supplyAsync(() -> this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.bodyValue(body)
			.exchange()
			.expectBody(String.class)
			.returnResult());
	}

}
