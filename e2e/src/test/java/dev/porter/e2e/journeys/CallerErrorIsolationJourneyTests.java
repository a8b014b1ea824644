package dev.porter.e2e.journeys;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One user's own bad requests never open a circuit for everybody. Alice writes metadata
 * that passes profile-service's 10 KiB {@code user_metadata} check but would make her
 * whole Auth0 profile larger than Auth0's 10 KB; dev-idp (as Auth0 may) refuses such
 * writes. Both circuit breakers (profile-service's {@code management} and the gateway's
 * relay) are the real ones, with their default settings: a 502 per write used to open
 * them within about ten writes, after which every user got 503.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallerErrorIsolationJourneyTests {

	private static final int WRITES = 20;

	private static final String ALICE = "auth0|5f7c8ec7c33c6c004bbafe82";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private SpaClient alice;

	private SpaClient bob;

	@BeforeAll
	void startStackAndSignIn() {
		this.stack = Stack.start(StackOptions.standard());
		this.alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		this.bob = SpaClient.signIn(this.stack.gateway(), "bob", "bob");
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	@Test
	void patchMetadataWhenOneUserRepeatedlyOverflowsHerProfileThenOtherUserKeepsGettingHisProfileAndSheGetsUnprocessable() {
		String oversized = oversizedProfileWrite();
		List<Integer> bobStatuses = new ArrayList<>();
		List<Exchange> aliceAnswers = new ArrayList<>();
		bobStatuses.add(this.bob.getMe().status());
		for (int i = 0; i < WRITES; i++) {
			aliceAnswers.add(this.alice.patchMetadata(oversized));
			bobStatuses.add(this.bob.getMe().status());
		}

		assertThat(bobStatuses).as("bob's GET /me before and after each of alice's writes").containsOnly(200);
		for (Exchange answer : aliceAnswers) {
			assertThat(answer.status()).as(answer.body()).isEqualTo(422);
			assertThat(answer.header("content-type")).startsWith("application/problem+json");
			JsonNode problem = mapper.readTree(answer.body());
			assertThat(problem.get("detail").asString()).contains("10 KB");
		}
		JsonNode aliceProfile = mapper.readTree(this.alice.getMe().body());
		assertThat(aliceProfile.get("user_metadata").has("k0")).as("a refused write changes nothing").isFalse();
	}

	/**
	 * The same when only Auth0 can tell: alice's profile grew at the IdP behind
	 * profile-service's cached copy, so her writes pass its whole-profile check and are
	 * refused upstream (dev-idp answers 400 {@code invalid_body}).
	 */
	@Test
	void patchMetadataWhenAuth0RefusesOneUsersWritesThatHerCachedProfileAllowedThenOtherUserKeepsGettingHisProfile()
			throws Exception {
		assertThat(this.alice.getMe().status()).as("alice's profile is cached").isEqualTo(200);
		growAliceAtTheIdp();
		String write = metadataOf(8, 1000);
		List<Integer> bobStatuses = new ArrayList<>();
		List<Exchange> aliceAnswers = new ArrayList<>();
		for (int i = 0; i < WRITES; i++) {
			aliceAnswers.add(this.alice.patchMetadata(write));
			bobStatuses.add(this.bob.getMe().status());
		}

		assertThat(bobStatuses).as("bob's GET /me after each of alice's writes").containsOnly(200);
		assertThat(aliceAnswers.get(0).status()).as(aliceAnswers.get(0).body()).isEqualTo(422);
		for (Exchange answer : aliceAnswers) {
			JsonNode problem = mapper.readTree(answer.body());
			if (answer.status() == 429) {
				// each write is a call to the directory: past her share of those
				// (PROFILE_CALLER_UPSTREAM_RATE_LIMIT) her loop is refused before it
				assertThat(problem.get("detail").asString()).as(answer.body()).contains("calls per");
				continue;
			}
			assertThat(answer.status()).as(answer.body()).isEqualTo(422);
			assertThat(problem.get("type").asString()).endsWith("/request-refused");
			assertThat(problem.get("detail").asString()).contains("Nothing was changed")
				.doesNotContain("Payload validation error");
		}
	}

	/**
	 * 3,000 bytes more {@code app_metadata} for alice, written straight to dev-idp's
	 * Management API as another Auth0 application could.
	 */
	private void growAliceAtTheIdp() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		String form = "grant_type=client_credentials&client_id=porter-profile&client_secret=porter-profile-dev-secret"
				+ "&audience=" + URLEncoder.encode(this.stack.issuer() + "api/v2/", StandardCharsets.UTF_8);
		HttpResponse<String> token = http.send(HttpRequest.newBuilder(this.stack.devIdp().uri("/oauth/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
		String accessToken = mapper.readTree(token.body()).get("access_token").asString();
		HttpResponse<String> grown = http.send(HttpRequest
			.newBuilder(this.stack.devIdp().uri("/api/v2/users/" + URLEncoder.encode(ALICE, StandardCharsets.UTF_8)))
			.header("Authorization", "Bearer " + accessToken)
			.header("Content-Type", "application/json")
			.method("PATCH",
					HttpRequest.BodyPublishers.ofString("{\"app_metadata\":{\"notes\":\"" + "n".repeat(3000) + "\"}}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(grown.statusCode()).as(grown.body()).isEqualTo(200);
	}

	/**
	 * 19 keys of 500 characters: about 9.7 KB of {@code user_metadata}, under
	 * profile-service's 10 KiB limit for it, but over 10 KB with the rest of alice's
	 * profile.
	 */
	private static String oversizedProfileWrite() {
		return metadataOf(19, 500);
	}

	private static String metadataOf(int keys, int length) {
		StringBuilder body = new StringBuilder("{");
		for (int i = 0; i < keys; i++) {
			body.append((i > 0) ? "," : "")
				.append("\"k")
				.append(i)
				.append("\":\"")
				.append("x".repeat(length))
				.append('"');
		}
		return body.append('}').toString();
	}

}
