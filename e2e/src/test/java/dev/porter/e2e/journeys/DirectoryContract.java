package dev.porter.e2e.journeys;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What profile-service promises over HTTP whichever user directory it runs with (issue
 * 13: one contract, every adapter): {@code GET /me} holds the signed-in user, and
 * {@code PATCH /me/metadata} follows Auth0's rules — a key is set, a key is replaced
 * whole, {@code null} deletes, keys nobody sent stay — and refuses a bad or too large
 * body with a problem, changing nothing in the directory. Each subclass runs it against
 * one directory with a real identity provider.
 */
abstract class DirectoryContract {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** profile-service's base URI. */
	protected abstract URI profileService();

	/** An access token of the signed-in user (alice) for profile-service. */
	protected abstract String accessToken();

	/** The user's {@code sub} as the identity provider issues it. */
	protected abstract String subject();

	/**
	 * What the directory itself stores of the user's metadata now, read around every
	 * cache, in the directory's own shape.
	 */
	protected abstract JsonNode storedMetadata();

	@Test
	void getMeWhenSignedInThenProfileOfThatUser() {
		JsonNode me = json(getMe());

		assertThat(me.get("sub").asString()).isEqualTo(subject());
		assertThat(me.get("email").asString()).isEqualTo("alice@example.com");
		assertThat(me.get("user_metadata").isObject()).as(me.toString()).isTrue();
	}

	@Test
	void patchMetadataWhenKeySetThenAnsweredAndNextGetMeShowsIt(TestInfo test) {
		String key = key(test, "theme");

		JsonNode patched = json(patch("{\"" + key + "\":\"dark\"}"));

		assertThat(patched.get("user_metadata").get(key).asString()).isEqualTo("dark");
		assertThat(json(getMe()).get("user_metadata").get(key).asString()).isEqualTo("dark");
	}

	@Test
	void patchMetadataWhenObjectValueSentAgainThenReplacedWhole(TestInfo test) {
		String key = key(test, "prefs");
		json(patch("{\"" + key + "\":{\"a\":1,\"b\":\"two\"}}"));

		JsonNode patched = json(patch("{\"" + key + "\":{\"c\":true}}"));

		assertThat(patched.get("user_metadata").get(key)).isEqualTo(mapper.readTree("{\"c\":true}"));
		assertThat(json(getMe()).get("user_metadata").get(key)).isEqualTo(mapper.readTree("{\"c\":true}"));
	}

	@Test
	void patchMetadataWhenValueNullThenKeyDeletedAndOthersUntouched(TestInfo test) {
		String gone = key(test, "gone");
		String kept = key(test, "kept");
		json(patch("{\"" + gone + "\":\"x\",\"" + kept + "\":[1,2]}"));

		JsonNode patched = json(patch("{\"" + gone + "\":null}"));

		assertThat(patched.get("user_metadata").has(gone)).as("null deletes the key").isFalse();
		JsonNode reread = json(getMe()).get("user_metadata");
		assertThat(reread.has(gone)).isFalse();
		assertThat(reread.get(kept)).as("a key nobody sent").isEqualTo(mapper.readTree("[1,2]"));
	}

	@Test
	void patchMetadataWhenBodyBreaksRulesThenProblemNamingPointersAndNothingChanged(TestInfo test) {
		String key = key(test, "fine");
		JsonNode before = storedMetadata();

		// a valid key next to a reserved name: the whole body is refused
		Exchange refused = patch("{\"" + key + "\":\"x\",\"email\":\"mallory@example.com\"}");

		assertThat(refused.status()).as(refused.body()).isEqualTo(400);
		assertThat(refused.header("content-type")).startsWith("application/problem+json");
		JsonNode problem = mapper.readTree(refused.body());
		assertThat(problem.get("type").asString()).isEqualTo("https://porter.example/problems/invalid-metadata");
		assertThat(pointers(problem)).containsExactly("/email");
		assertThat(storedMetadata()).as("the directory after the refused body").isEqualTo(before);
		assertThat(json(getMe()).get("user_metadata").has(key)).isFalse();
	}

	@Test
	void patchMetadataWhenBodyIsNotJsonThenProblemAndNothingChanged() {
		JsonNode before = storedMetadata();

		Exchange refused = patch("{\"a\":1,}");

		assertThat(refused.status()).as(refused.body()).isEqualTo(400);
		assertThat(refused.header("content-type")).startsWith("application/problem+json");
		assertThat(storedMetadata()).isEqualTo(before);
	}

	@Test
	void patchMetadataWhenBodyOverSixteenKibibytesThenPayloadTooLargeAndNothingChanged(TestInfo test) {
		JsonNode before = storedMetadata();

		Exchange refused = patch("{\"" + key(test, "big") + "\":\"" + "a".repeat(17 * 1024) + "\"}");

		assertThat(refused.status()).as(refused.body()).isEqualTo(413);
		assertThat(mapper.readTree(refused.body()).get("type").asString())
			.isEqualTo("https://porter.example/problems/payload-too-large");
		assertThat(storedMetadata()).isEqualTo(before);
	}

	@Test
	void patchMetadataWhenValuesExceedTenKilobytesThenProblemNamingWholeBodyAndNothingChanged(TestInfo test) {
		JsonNode before = storedMetadata();

		Exchange refused = patch("{\"" + key(test, "a") + "\":\"" + "a".repeat(6 * 1024) + "\",\"" + key(test, "b")
				+ "\":\"" + "b".repeat(6 * 1024) + "\"}");

		assertThat(refused.status()).as(refused.body()).isEqualTo(400);
		assertThat(pointers(mapper.readTree(refused.body()))).containsExactly("");
		assertThat(storedMetadata()).isEqualTo(before);
	}

	private Exchange getMe() {
		return new UserAgent().get(profileService().resolve("/me"), "Authorization", "Bearer " + accessToken(),
				"Accept", "application/json");
	}

	private Exchange patch(String body) {
		return new UserAgent().send("PATCH", profileService().resolve("/me/metadata"),
				HttpRequest.BodyPublishers.ofString(body), "Authorization", "Bearer " + accessToken(), "Content-Type",
				"application/json", "Accept", "application/json");
	}

	/** A metadata key of this test alone, so tests never see each other's keys. */
	private static String key(TestInfo test, String name) {
		return "contract_" + Math.floorMod(test.getTestMethod().orElseThrow().getName().hashCode(), 10_000) + "_"
				+ name;
	}

	private static List<String> pointers(JsonNode problem) {
		List<String> pointers = new ArrayList<>();
		problem.path("errors").forEach((error) -> pointers.add(error.get("pointer").asString()));
		return pointers;
	}

	private static JsonNode json(Exchange exchange) {
		assertThat(exchange.status()).as(exchange.body()).isEqualTo(200);
		return mapper.readTree(exchange.body());
	}

}
