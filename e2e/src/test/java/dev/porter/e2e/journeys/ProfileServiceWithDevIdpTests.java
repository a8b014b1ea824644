package dev.porter.e2e.journeys;

import java.net.http.HttpRequest;
import java.util.Map;

import dev.porter.e2e.agents.DevIdpLogin;
import dev.porter.e2e.agents.Tokens;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.SharedStack;
import dev.porter.e2e.processes.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * profile-service against the real dev-idp process: a user token from a scripted
 * authorization-code login, the Management API reached with the service's own
 * client-credentials token.
 */
@ExtendWith(SharedStack.class)
@ResourceLock(SharedStack.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProfileServiceWithDevIdpTests {

	private static final String ALICE = "auth0|5f7c8ec7c33c6c004bbafe82";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private Tokens alice;

	@BeforeAll
	void useSharedStack(Stack stack) {
		this.stack = stack;
		this.alice = DevIdpLogin.login(stack, "alice", "alice");
	}

	@Test
	void getMeWhenAliceSignedInThenMergedProfileFromUserinfoAndDirectory() {
		JsonNode me = json(getMe(this.alice));

		assertThat(me.get("sub").asString()).isEqualTo(ALICE);
		assertThat(me.get("email").asString()).isEqualTo("alice@example.com");
		assertThat(me.get("name").asString()).isEqualTo("Alice Example");
		assertThat(me.get("logins_count").asInt()).isEqualTo(12);
		assertThat(me.get("user_metadata").get("country").asString()).isEqualTo("NZ");
		assertThat(me.get("identities").get(0).get("provider").asString()).isEqualTo("auth0");
		assertThat(me.has("app_metadata")).as("app_metadata is omitted without an allow-list").isFalse();
		assertThat(me.has("last_ip")).isFalse();
	}

	@Test
	void getMeWhenSocialUserThenNoIdentityProviderTokenInBody() {
		Tokens bob = DevIdpLogin.login(this.stack, "bob", "bob");

		Exchange response = getMe(bob);

		assertThat(response.status()).isEqualTo(200);
		assertThat(json(response).get("identities").get(0).get("provider").asString()).isEqualTo("google-oauth2");
		assertThat(response.body()).doesNotContain("access_token", "refresh_token", "ya29.", "1//dev-idp");
	}

	@Test
	void patchMetadataWhenKeysSetAndDeletedThenDirectoryFollowsAuth0MergeRules() {
		Exchange first = patchMetadata(Map.of("e2e_theme", "dark"));
		assertThat(first.status()).isEqualTo(200);
		assertThat(json(first).get("user_metadata").get("e2e_theme").asString()).isEqualTo("dark");

		Exchange second = patchMetadata(Map.of("e2e_drink", "tea"));
		assertThat(json(second).get("user_metadata").get("e2e_theme").asString())
			.as("a second PATCH of another key keeps the first")
			.isEqualTo("dark");

		Exchange third = patchMetadataJson("{\"e2e_theme\":null}");
		JsonNode afterDelete = json(third).get("user_metadata");
		assertThat(afterDelete.has("e2e_theme")).as("null deletes the key").isFalse();
		assertThat(afterDelete.get("e2e_drink").asString()).isEqualTo("tea");

		JsonNode reread = json(getMe(this.alice)).get("user_metadata");
		assertThat(reread.has("e2e_theme")).isFalse();
		assertThat(reread.get("e2e_drink").asString()).isEqualTo("tea");
		assertThat(reread.get("country").asString()).as("keys nobody sent are untouched").isEqualTo("NZ");
	}

	private Exchange getMe(Tokens tokens) {
		return new UserAgent().get(this.stack.profileService().uri("/me"), "Authorization",
				"Bearer " + tokens.accessToken(), "Accept", "application/json");
	}

	private Exchange patchMetadata(Map<String, String> delta) {
		return patchMetadataJson(mapper.writeValueAsString(delta));
	}

	private Exchange patchMetadataJson(String body) {
		return new UserAgent().send("PATCH", this.stack.profileService().uri("/me/metadata"),
				HttpRequest.BodyPublishers.ofString(body), "Authorization", "Bearer " + this.alice.accessToken(),
				"Content-Type", "application/json", "Accept", "application/json");
	}

	private static JsonNode json(Exchange exchange) {
		assertThat(exchange.status()).as(exchange.body()).isEqualTo(200);
		return mapper.readTree(exchange.body());
	}

}
