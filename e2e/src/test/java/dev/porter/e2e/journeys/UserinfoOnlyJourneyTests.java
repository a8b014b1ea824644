package dev.porter.e2e.journeys;

import java.net.http.HttpRequest;

import dev.porter.e2e.agents.KeycloakLogin;
import dev.porter.e2e.agents.Tokens;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.Keycloak;
import dev.porter.e2e.processes.KeycloakStack;
import dev.porter.e2e.processes.OnSharedKeycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's userinfo-only set-up ({@code PROFILE_DIRECTORY=none}) against a real OIDC
 * provider that is not Auth0 (Keycloak), with only the variables the README gives:
 * {@code GET /me} is the provider's {@code /userinfo} alone, {@code PATCH /me/metadata}
 * is {@code 501}.
 */
@OnSharedKeycloak
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserinfoOnlyJourneyTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Keycloak keycloak;

	private KeycloakStack stack;

	private Tokens alice;

	@BeforeAll
	void startStack(Keycloak keycloak) {
		this.keycloak = keycloak;
		this.stack = KeycloakStack.startUserinfoOnly(keycloak);
		this.alice = KeycloakLogin.login(this.stack, "alice", "alice");
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
	}

	@Test
	void getMeWhenNoDirectoryThenUserinfoAloneWithCacheHeaders() {
		Exchange me = new UserAgent().get(this.stack.profileService().uri("/me"), "Authorization",
				"Bearer " + this.alice.accessToken(), "Accept", "application/json");

		assertThat(me.status()).as(me.body()).isEqualTo(200);
		assertThat(me.header("etag")).isNotBlank();
		assertThat(me.header("cache-status")).startsWith("profile-service;");
		JsonNode profile = mapper.readTree(me.body());
		assertThat(profile.get("sub").asString()).isEqualTo(this.keycloak.admin().userId("alice"));
		assertThat(profile.get("email").asString()).isEqualTo("alice@example.com");
		assertThat(profile.get("name").asString()).isEqualTo("Alice Example");
		assertThat(profile.has("user_metadata")).as("no directory, no metadata").isFalse();
	}

	@Test
	void patchMetadataWhenNoDirectoryThenNotImplementedProblem() {
		Exchange refused = new UserAgent().send("PATCH", this.stack.profileService().uri("/me/metadata"),
				HttpRequest.BodyPublishers.ofString("{\"theme\":\"dark\"}"), "Authorization",
				"Bearer " + this.alice.accessToken(), "Content-Type", "application/json", "Accept", "application/json");

		assertThat(refused.status()).as(refused.body()).isEqualTo(501);
		assertThat(refused.header("content-type")).startsWith("application/problem+json");
		assertThat(mapper.readTree(refused.body()).get("type").asString())
			.isEqualTo("https://porter.example/problems/directory-not-writable");
	}

}
