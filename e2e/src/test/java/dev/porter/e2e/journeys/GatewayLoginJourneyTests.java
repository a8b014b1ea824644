package dev.porter.e2e.journeys;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.porter.e2e.agents.DevIdpControls;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.SharedStack;
import dev.porter.e2e.processes.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4 through real processes: a user signs in at the gateway with dev-idp's form,
 * reads and changes their profile through it, and no token ever reaches the browser.
 */
@ExtendWith(SharedStack.class)
@ResourceLock(SharedStack.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayLoginJourneyTests {

	private static final String ALICE = "auth0|5f7c8ec7c33c6c004bbafe82";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private DevIdpControls devIdp;

	@BeforeAll
	void useSharedStack(Stack stack) {
		this.stack = stack;
		this.devIdp = new DevIdpControls(stack.devIdp());
	}

	@Test
	void getMeWhenSignedInThroughGatewayThenAlicesMergedProfile() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");

		JsonNode me = json(alice.getMe(), 200);

		assertThat(me.get("sub").asString()).isEqualTo(ALICE);
		assertThat(me.get("name").asString()).isEqualTo("Alice Example");
		assertThat(me.get("email").asString()).isEqualTo("alice@example.com");
		assertThat(me.get("user_metadata").get("country").asString()).isEqualTo("NZ");
		assertThat(me.get("identities").get(0).get("provider").asString()).isEqualTo("auth0");
		JsonNode session = json(alice.session(), 200);
		assertThat(session.get("authenticated").asBoolean()).isTrue();
		assertThat(session.get("user").get("sub").asString()).isEqualTo(ALICE);
	}

	@Test
	void patchMetadataWhenCsrfHeaderSentThenProfileChanged() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");

		JsonNode patched = json(alice.patchMetadata("{\"e2e_gateway_color\":\"teal\"}"), 200);

		assertThat(patched.get("user_metadata").get("e2e_gateway_color").asString()).isEqualTo("teal");
		JsonNode reread = json(alice.getMe(), 200);
		assertThat(reread.get("user_metadata").get("e2e_gateway_color").asString()).isEqualTo("teal");
		assertThat(reread.get("user_metadata").get("country").asString()).isEqualTo("NZ");
	}

	@Test
	void patchMetadataWhenCsrfHeaderMissingThenForbiddenAndNothingChanged() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");

		Exchange refused = alice.patchMetadataWithoutCsrfHeader("{\"e2e_gateway_forged\":\"yes\"}");

		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.header("content-type")).startsWith("application/problem+json");
		assertThat(json(alice.getMe(), 200).get("user_metadata").has("e2e_gateway_forged")).isFalse();
	}

	@Test
	void signInReadAndPatchWhenTranscriptScannedThenNoIssuedTokenVisibleToBrowser() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		json(alice.getMe(), 200);
		json(alice.patchMetadata("{\"e2e_gateway_scan\":\"done\"}"), 200);
		json(alice.session(), 200);

		List<String> tokens = this.devIdp.gatewayTokenValues("access_token", "refresh_token", "id_token");

		assertThat(tokens).as("dev-idp issued the login's tokens").hasSizeGreaterThanOrEqualTo(3);
		List<Exchange> transcript = alice.agent().transcript();
		assertThat(transcript).hasSizeGreaterThan(5);
		for (Exchange exchange : transcript) {
			assertThat(exchange.visibleText()).as(exchange.method() + " " + exchange.uri()).doesNotContain(tokens);
		}
	}

	@Test
	void getMeWhenScriptHasNoSessionThenUnauthorizedProblemWithLoginUrl() {
		UserAgent anonymous = new UserAgent();

		Exchange fetch = anonymous.get(this.stack.gateway().uri("/me"), "Accept", "application/json");
		Exchange xhr = anonymous.get(this.stack.gateway().uri("/me"), "X-Requested-With", "XMLHttpRequest");

		for (Exchange response : List.of(fetch, xhr)) {
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.header("content-type")).startsWith("application/problem+json");
			JsonNode problem = mapper.readTree(response.body());
			assertThat(problem.get("status").asInt()).isEqualTo(401);
			assertThat(problem.get("title").asString()).isEqualTo("Login required");
			assertThat(problem.get("login_url").asString()).isEqualTo("/bff/login");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "//evil.example", "https://evil.example", "/\\evil" })
	void loginWhenReturnToLeavesTheSiteThenBadRequest(String returnTo) {
		String query = URLEncoder.encode(returnTo, StandardCharsets.UTF_8);

		Exchange response = new UserAgent().get(this.stack.gateway().uri("/bff/login?returnTo=" + query));

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.header("location")).isNull();
		assertThat(response.header("content-type")).startsWith("application/problem+json");
	}

	private static JsonNode json(Exchange exchange, int status) {
		assertThat(exchange.status()).as(exchange.method() + " " + exchange.uri() + ": " + exchange.body())
			.isEqualTo(status);
		return mapper.readTree(exchange.body());
	}

}
