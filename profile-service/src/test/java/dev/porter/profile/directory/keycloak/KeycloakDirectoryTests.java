package dev.porter.profile.directory.keycloak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.directory.Directory;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.problem.CallerRateLimitedException;
import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PROFILE_DIRECTORY=keycloak} against the Admin REST API's recorded answers
 * (Keycloak 26.7.3): the mapping, the read-modify-write and the failure matrix it shares
 * with the Auth0 directory.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(KeycloakDirectoryTests.MovableClock.class)
class KeycloakDirectoryTests extends ProfileServiceIntegrationTest {

	static final String ALICE = "c3e6d6e6-8ca5-4383-b3ce-49a4107c3c46";

	private static final String ADMIN_ALICE = "/admin/realms/porter/users/" + ALICE;

	private static final String TOKEN_PATH = "/realms/porter/protocol/openid-connect/token";

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Autowired
	private Directory directory;

	@Autowired
	private MutableClock clock;

	@DynamicPropertySource
	static void keycloak(DynamicPropertyRegistry registry) {
		registry.add("porter.directory.kind", () -> "keycloak");
		registry.add("porter.directory.keycloak.admin-uri",
				() -> upstreams.managementUri().replace("/api/v2/", "/admin/realms/porter/"));
		registry.add("porter.directory.keycloak.client-id", () -> "porter-profile");
		registry.add("porter.directory.keycloak.client-secret", () -> "test-only-secret");
	}

	@BeforeEach
	void realm() {
		upstreams.management()
			.stubFor(post(urlPathEqualTo(TOKEN_PATH))
				.willReturn(okJson(Fixtures.read("token/client-credentials.json"))));
	}

	private String alice() {
		String token = TestJwts.mint(issuer(), ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(okJson(Fixtures.read("userinfo/keycloak-alice.json"))));
		return token;
	}

	private void stubAlice(String state, String nextState, String body) {
		upstreams.management()
			.stubFor(get(urlEqualTo(ADMIN_ALICE)).inScenario("alice")
				.whenScenarioStateIs(state)
				.willReturn(okJson(body))
				.willSetStateTo(nextState));
	}

	@Test
	void startWhenKeycloakThenKeycloakAdapterIsTheDirectory() {
		assertThat(this.directory).isInstanceOf(KeycloakDirectory.class);
	}

	@Test
	void getMeWhenKeycloakThenUserinfoMergedWithMappedUserAndRealmServiceAccountToken() {
		upstreams.management()
			.stubFor(get(urlEqualTo(ADMIN_ALICE)).withHeader("Authorization", equalTo("Bearer test-access-token"))
				.willReturn(okJson(Fixtures.read("keycloak/user-alice.json"))));

		getMe(alice()).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; fwd=uri-miss; stored")
			.expectBody()
			.jsonPath("$.sub")
			.isEqualTo(ALICE)
			.jsonPath("$.name")
			.isEqualTo("Alice Example")
			.jsonPath("$.preferred_username")
			.isEqualTo("alice")
			.jsonPath("$.username")
			.isEqualTo("alice")
			.jsonPath("$.given_name")
			.isEqualTo("Alice")
			.jsonPath("$.created_at")
			.isEqualTo("2026-12-01T18:25:33.862Z")
			.jsonPath("$.user_metadata.theme")
			.isEqualTo("dark")
			.jsonPath("$.user_metadata.prefs.n")
			.isEqualTo(3)
			.jsonPath("$.department")
			.doesNotExist()
			.jsonPath("$.identities.length()")
			.isEqualTo(0);
		upstreams.management()
			.verify(1,
					postRequestedFor(urlPathEqualTo(TOKEN_PATH))
						.withRequestBody(containing("grant_type=client_credentials"))
						.withRequestBody(containing("client_id=porter-profile"))
						.withRequestBody(notContaining("audience")));
	}

	@Test
	void patchMetadataWhenKeycloakThenPutsProfileFieldsAndAttributesWithOnlyTheChangedOnesAndAnswersStoredProfile() {
		ObjectNode stored = (ObjectNode) this.mapper.readTree(Fixtures.read("keycloak/user-alice.json"));
		ObjectNode expectedPut = (ObjectNode) this.mapper.readTree("""
				{"username":"alice","firstName":"Alice","lastName":"Example","email":"alice@example.com"}""");
		expectedPut.set("attributes", this.mapper.readTree("""
				{"user_metadata.theme":["\\"light\\""],"department":["sales"],"user_metadata.lang":["\\"en\\""]}"""));
		ObjectNode storedAfter = stored.deepCopy();
		storedAfter.set("attributes", expectedPut.get("attributes"));
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(
					put(urlEqualTo(ADMIN_ALICE)).inScenario("alice").willReturn(noContent()).willSetStateTo("written"));
		stubAlice("written", "written", storedAfter.toString());

		patchMetadata(alice(), "{\"theme\":\"light\",\"prefs\":null,\"lang\":\"en\"}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_metadata.theme")
			.isEqualTo("light")
			.jsonPath("$.user_metadata.lang")
			.isEqualTo("en")
			.jsonPath("$.user_metadata.prefs")
			.doesNotExist();
		upstreams.management()
			.verify(1, putRequestedFor(urlEqualTo(ADMIN_ALICE)).withRequestBody(equalToJson(expectedPut.toString())));
	}

	// Keycloak stored the change (its PUT answered 204), but the read that confirms it
	// failed: the caller was answered "unavailable ... try again later", as if nothing
	// had been changed.
	@Test
	void patchMetadataWhenKeycloakStoredTheChangeButItsConfirmingReadFailsThenTheCallerIsToldItMayHaveBeenApplied() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(
					put(urlEqualTo(ADMIN_ALICE)).inScenario("alice").willReturn(noContent()).willSetStateTo("written"));
		upstreams.management()
			.stubFor(get(urlEqualTo(ADMIN_ALICE)).inScenario("alice")
				.whenScenarioStateIs("written")
				.willReturn(Upstreams.status(503)));

		patchMetadata(alice(), "{\"theme\":\"light\"}").expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("may have been applied"));
	}

	@Test
	void updateUserMetadataWhenSameUserChangedTwiceAtOnceThenSecondReadsOnlyAfterFirstWrote() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		// A slow PUT: without the per-user sequence both reads would come
		// before either write.
		upstreams.management().stubFor(put(urlEqualTo(ADMIN_ALICE)).willReturn(noContent().withFixedDelay(300)));

		StepVerifier
			.create(Flux.merge(this.directory.updateUserMetadata(ALICE, MetadataPatch.parse("{\"theme\":\"a\"}")),
					this.directory.updateUserMetadata(ALICE, MetadataPatch.parse("{\"theme\":\"b\"}"))))
			.expectNextCount(2)
			.verifyComplete();

		List<String> calls = new ArrayList<>(upstreams.management()
			.getAllServeEvents()
			.stream()
			.filter((event) -> event.getRequest().getUrl().equals(ADMIN_ALICE))
			.map((event) -> event.getRequest().getMethod().getName())
			.toList());
		Collections.reverse(calls);
		assertThat(calls).containsExactly("GET", "PUT", "GET", "GET", "PUT", "GET");
	}

	// Each change of one user waits for the one before. A user sending many at once
	// queued them without bound, and those answered past the gateway's relay timeout
	// counted as failures on its breaker, which then opened for everybody. Her first
	// change's write is held until her second has been refused: a write delayed 1 s
	// longer than the wait raced the wait's timer, which a loaded machine fires late.
	@Test
	void updateUserMetadataWhenTheUsersPreviousChangeOutlastsTheWaitThenTooManyRequestsAndNothingSent() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management().stubFor(put(urlEqualTo(ADMIN_ALICE)).willReturn(noContent()));
		HeldAnswer firstWrite = upstreams.holdManagementAnswer(ADMIN_ALICE, "attributes");
		Mono<DirectoryUser> first = this.directory.updateUserMetadata(ALICE, MetadataPatch.parse("{\"theme\":\"a\"}"))
			.cache();
		first.subscribe((user) -> {
		}, (ex) -> {
		});

		StepVerifier.create(this.directory.updateUserMetadata(ALICE, MetadataPatch.parse("{\"theme\":\"b\"}")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(CallerRateLimitedException.class))
			.verify(Duration.ofSeconds(10));
		firstWrite.release();
		StepVerifier.create(first).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(10));
		upstreams.management().verify(1, putRequestedFor(urlEqualTo(ADMIN_ALICE)));
	}

	// Keycloak's change reads the user before it writes (its read-modify-write), after
	// the checks that her own reads left time enough: a slow read there left the write
	// less of the request's time than its first attempt may take, and the write was
	// sent all the same, to be applied after the request deadline told her "may still
	// be applied". The write is now checked when it is about to go.
	@Test
	void patchMetadataWhenKeycloaksReadBeforeTheWriteLeavesTooLittleTimeThenServiceUnavailableAndNoWrite()
			throws Exception {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management().stubFor(put(urlEqualTo(ADMIN_ALICE)).willReturn(noContent()));
		String token = alice();
		getMe(token).expectStatus().isOk();
		HeldAnswer readBeforeWrite = upstreams.holdManagementAnswer(ADMIN_ALICE, "");

		CompletableFuture<EntityExchangeResult<String>> change = CompletableFuture
			.supplyAsync(() -> patchMetadata(token, "{\"theme\":\"light\"}").expectBody(String.class).returnResult());
		readBeforeWrite.awaitReached();
		// more than the 7 s between the request's 13 s and one Management attempt's 6 s
		this.clock.advance(Duration.ofSeconds(8));
		readBeforeWrite.release();

		EntityExchangeResult<String> answer = change.get();
		assertThat(answer.getStatus().value()).isEqualTo(503);
		assertThat(answer.getResponseBody()).contains("/problems/upstream-unavailable")
			.contains("Nothing was changed")
			.doesNotContain("may have been applied", "may still be applied");
		upstreams.management().verify(0, putRequestedFor(urlEqualTo(ADMIN_ALICE)));
	}

	@Test
	void patchMetadataWhenValueLongerThanKeycloakStoresThenLimitProblemAndNothingSent() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));

		patchMetadata(alice(), "{\"bio\":\"" + "x".repeat(2100) + "\"}").expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/directory-limit-exceeded")
			.jsonPath("$.errors[0].pointer")
			.isEqualTo("/bio");
		upstreams.management().verify(0, putRequestedFor(urlEqualTo(ADMIN_ALICE)));
	}

	@Test
	void patchMetadataWhenKeycloakRefusesAttributesThenCallersRefusalNotUpstreamFailure() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(put(urlEqualTo(ADMIN_ALICE))
				.willReturn(okJson(Fixtures.read("keycloak/error-invalid-length.json")).withStatus(400)));

		patchMetadata(alice(), "{\"theme\":\"light\"}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/request-refused")
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).doesNotContain("error-invalid-length"));
		upstreams.management().verify(1, putRequestedFor(urlEqualTo(ADMIN_ALICE)));
		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	// Keycloak answers 400 "Could not update user!" when its store refuses the write: a
	// value its database cannot hold (a 4-byte character on MySQL's utf8) as much as a
	// database error. Counted and retried, one user's write opened the circuit for all;
	// an outage of Keycloak's database shows on the reads, which count.
	@Test
	void patchMetadataWhenKeycloakCannotUpdateTheUserThenBadGatewayNotRetriedNotCounted() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(put(urlEqualTo(ADMIN_ALICE))
				.willReturn(okJson("{\"errorMessage\":\"Could not update user!\"}").withStatus(400)));

		patchMetadata(alice(), "{\"theme\":\"light\"}").expectStatus().isEqualTo(502);
		upstreams.management().verify(1, putRequestedFor(urlEqualTo(ADMIN_ALICE)));
		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	// With more than one broken rule Keycloak lists them under "errors", with no field at
	// the top: read as its own failure, the write was retried three times and counted,
	// and a user whose social login gave a first and last name the realm refuses opened
	// the circuit for everybody with three PATCHes.
	@Test
	void patchMetadataWhenKeycloakRefusesSeveralFieldsOutsideTheMetadataThenBadGatewayNotRetriedNotCounted() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(put(urlEqualTo(ADMIN_ALICE)).willReturn(okJson("{\"errors\":["
					+ "{\"field\":\"firstName\",\"errorMessage\":\"error-person-name-invalid-character\"},"
					+ "{\"field\":\"lastName\",\"errorMessage\":\"error-person-name-invalid-character\"}]}")
				.withStatus(400)));

		patchMetadata(alice(), "{\"theme\":\"light\"}").expectStatus().isEqualTo(502);
		upstreams.management().verify(1, putRequestedFor(urlEqualTo(ADMIN_ALICE)));
		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void patchMetadataWhenKeycloakRefusesAMetadataFieldAmongOthersThenTheCallersRefusal() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(put(urlEqualTo(ADMIN_ALICE)).willReturn(okJson("{\"errors\":["
					+ "{\"field\":\"firstName\",\"errorMessage\":\"error-person-name-invalid-character\"},"
					+ "{\"field\":\"user_metadata.theme\",\"errorMessage\":\"error-invalid-length\"}]}")
				.withStatus(400)));

		patchMetadata(alice(), "{\"theme\":\"light\"}").expectStatus().isEqualTo(422);
		upstreams.management().verify(1, putRequestedFor(urlEqualTo(ADMIN_ALICE)));
		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void patchMetadataWhenKeycloakRefusesAFieldOutsideTheMetadataThenBadGatewayNotCounted() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(put(urlEqualTo(ADMIN_ALICE))
				.willReturn(okJson("{\"field\":\"firstName\",\"errorMessage\":\"error-person-name-invalid-character\"}")
					.withStatus(400)));

		patchMetadata(alice(), "{\"theme\":\"light\"}").expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).doesNotContain("firstName"));
		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	/**
	 * Keycloak's change is a read, a write and a read: only the write can change the
	 * user, so a refused write leaves the cached profile as it was (it keeps serving
	 * through an outage instead of being dropped).
	 */
	@Test
	void patchMetadataWhenKeycloakRefusesTheWriteThenTheCachedProfileStillServes() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(put(urlEqualTo(ADMIN_ALICE))
				.willReturn(okJson(Fixtures.read("keycloak/error-invalid-length.json")).withStatus(400)));
		String token = alice();
		getMe(token).expectStatus().isOk();

		patchMetadata(token, "{\"theme\":\"light\"}").expectStatus().isEqualTo(422);

		getMe(token).expectStatus()
			.isOk()
			.expectHeader()
			.valueMatches("Cache-Status", "profile-service; hit; ttl=\\d+");
	}

	/**
	 * Keycloak's 400 "Could not update user!" refused the write: nothing was stored. The
	 * caller was told it may have been applied, and the cached profile was dropped here
	 * and on every other instance.
	 */
	@Test
	void patchMetadataWhenKeycloakCannotUpdateTheUserThenNotToldItMayHaveBeenAppliedAndTheCachedProfileStillServes() {
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management()
			.stubFor(put(urlEqualTo(ADMIN_ALICE))
				.willReturn(okJson("{\"errorMessage\":\"Could not update user!\"}").withStatus(400)));
		String token = alice();
		getMe(token).expectStatus().isOk();

		patchMetadata(token, "{\"theme\":\"light\"}").expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).doesNotContain("applied", "send it again"));

		getMe(token).expectStatus()
			.isOk()
			.expectHeader()
			.valueMatches("Cache-Status", "profile-service; hit; ttl=\\d+");
	}

	@Test
	void patchMetadataWhenKeycloakAcceptsButDropsAttributesThenBadGateway() {
		// unmanagedAttributePolicy not ENABLED: 204, yet the attribute is not stored
		stubAlice(Scenario.STARTED, Scenario.STARTED, Fixtures.read("keycloak/user-alice.json"));
		upstreams.management().stubFor(put(urlEqualTo(ADMIN_ALICE)).willReturn(noContent()));

		patchMetadata(alice(), "{\"lang\":\"en\"}").expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-bad-response");
	}

	@Test
	void getMeWhenKeycloakUserUnknownThenUserNotFound() {
		upstreams.management()
			.stubFor(get(urlEqualTo(ADMIN_ALICE))
				.willReturn(okJson(Fixtures.read("keycloak/error-not-found.json")).withStatus(404)));

		getMe(alice()).expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/user-not-found");
	}

	// Keycloak's answer to a wrong client secret: every uncached /me answered 503 and
	// the log named only the OAuth code, as for an outage.
	@Test
	void getMeWhenKeycloakRefusesTheClientCredentialsThen503AndAnErrorNamingWhatToCheck(CapturedOutput output) {
		upstreams.management()
			.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"unauthorized_client\","
						+ "\"error_description\":\"Invalid client or Invalid client credentials\"}")));

		getMe(alice()).expectStatus().isEqualTo(503);

		assertThat(output.getOut().lines().filter((line) -> line.contains("KEYCLOAK_CLIENT_ID"))).singleElement()
			.asString()
			.contains("ERROR", "unauthorized_client", "KEYCLOAK_CLIENT_SECRET", "service account", "KEYCLOAK_ADMIN_URI")
			.doesNotContain("test-only-secret");
	}

	@Test
	void getMeWhenServiceAccountLacksRolesThenBadGateway() {
		upstreams.management()
			.stubFor(get(urlEqualTo(ADMIN_ALICE))
				.willReturn(okJson(Fixtures.read("keycloak/error-forbidden.json")).withStatus(403)));

		getMe(alice()).expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-bad-response");
	}

	@Test
	void getMeWhenKeycloakRejectsTokenOnceThenFetchesAnotherAndSucceeds() {
		upstreams.management()
			.stubFor(get(urlEqualTo(ADMIN_ALICE)).inScenario("token")
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(okJson(Fixtures.read("keycloak/error-unauthorized.json")).withStatus(401))
				.willSetStateTo("renewed"));
		upstreams.management()
			.stubFor(get(urlEqualTo(ADMIN_ALICE)).inScenario("token")
				.whenScenarioStateIs("renewed")
				.willReturn(okJson(Fixtures.read("keycloak/user-alice.json"))));

		getMe(alice()).expectStatus().isOk();
		upstreams.management().verify(2, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class MovableClock {

		@Bean
		@Primary
		MutableClock movableClock() {
			return new MutableClock();
		}

	}

}
