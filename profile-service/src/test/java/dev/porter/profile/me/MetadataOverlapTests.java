package dev.porter.profile.me;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A metadata change Auth0 confirms after something else happened to the request that made
 * it: its caller went away, or another change of the same user overlapped it and was
 * answered first. A later {@code GET /me} must show what Auth0 holds, not what this
 * instance cached before. The test holds Auth0's answer to the first change until the
 * other event has happened, so the order is the test's, never a race of fixed delays
 * against the Management API's attempt timeout; that timeout is the suite's default (6
 * s), far longer than a hold lasts, so a hold is never cut short by it
 * ({@link MetadataWriteOutcomeTests} shortens it to 1 s).
 */
class MetadataOverlapTests extends ProfileServiceIntegrationTest {

	/** Alice once the change {@code {"theme":"dark"}} was applied. */
	private static final String DARK = Fixtures.read("management/user-recorded-patched.json");

	/**
	 * Alice once {@code {"favourite_attack":null}} was applied after the dark theme.
	 */
	private static final String DARK_WITHOUT_ATTACK = DARK.replace("\"favourite_attack\":\"roundhouse_kick\",", "")
		.replace("\"updated_at\":\"2023-01-25T19:00:27.321Z\"", "\"updated_at\":\"2023-01-25T19:00:28.000Z\"");

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@Test
	void patchMetadataWhenTheCallerGoesAwayThenTheConfirmedUserIsStillCached() throws Exception {
		String token = aliceReadOnce();
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(DARK)));
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "\"theme\"");

		Disposable caller = patchInBackground(token, "{\"theme\":\"dark\"}");
		write.awaitReached();
		caller.dispose();
		// Auth0 answers only once the service has given up on the caller.
		this.cancelledRequests.await("PATCH /me/metadata");
		write.release();

		// Auth0's GET still answers the old user: only the write's own answer can
		// bring the change.
		Eventually.await("the change seen by the next reads", PATIENCE, () -> "dark".equals(theme(token)));
	}

	// Her changes that set keys run one at a time (ConcurrentChangesBudgetTests); one
	// that only deletes is sent at once, and may overlap one of them.
	@Test
	void patchMetadataWhenTwoChangesOverlapThenTheNextReadShowsWhatAuth0HoldsAfterBoth() throws Exception {
		String token = aliceReadOnce();
		// The first change is answered last, with the user as it stood after it alone.
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.withRequestBody(equalToJson("{\"user_metadata\":{\"theme\":\"dark\"}}"))
				.willReturn(okJson(DARK)));
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.withRequestBody(equalToJson("{\"user_metadata\":{\"favourite_attack\":null}}"))
				.willReturn(okJson(DARK_WITHOUT_ATTACK)));
		HeldAnswer firstAnswer = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "\"theme\"");

		CompletableFuture<Void> first = CompletableFuture
			.runAsync(() -> patchMetadata(token, "{\"theme\":\"dark\"}").expectStatus().isOk());
		firstAnswer.awaitReached();
		patchMetadata(token, "{\"favourite_attack\":null}").expectStatus().isOk();
		assertThat(first).as("the first change, still unanswered once the second was confirmed").isNotDone();
		firstAnswer.release();
		first.join();
		auth0Holds(DARK_WITHOUT_ATTACK);

		getMe(token).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_metadata.favourite_attack")
			.doesNotExist()
			.jsonPath("$.user_metadata.theme")
			.isEqualTo("dark");
	}

	/** Alice's token, her cached profile read once. */

	/** Auth0 has applied the changes: its user is now {@code user}. */
	private static void auth0Holds(String user) {
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(user)));
	}

	/**
	 * A caller that can go away while its change is on its way: disposing the result
	 * closes its connection before the answer.
	 */
	private Disposable patchInBackground(String token, String body) {
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
			.baseUrl("http://localhost:" + this.port)
			.build()
			.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.toBodilessEntity()
			.subscribe((answer) -> {
			}, (error) -> {
			});
	}

	private String theme(String token) {
		byte[] body = getMe(token).expectStatus().isOk().expectBody().returnResult().getResponseBodyContent();
		return new String(body, StandardCharsets.UTF_8).contains("\"theme\":\"dark\"") ? "dark" : "";
	}

}
