package dev.porter.profile.me;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change of hers that waits for her change before it ({@code PerUserSequence}) and
 * whose turn comes with less of its request's time left than the Management API's
 * deadline. Sent, it got the request deadline's 503 ("may have been applied") while it
 * went on and was applied. It must not be sent, and she must be told nothing changed and
 * when to send it again. Test settings: a 13 s request deadline, 12 s for the Management
 * API; the clock the request deadline reads moves, the held answer keeps the turn.
 */
@Import(QueuedChangeDeadlineTests.MovableClock.class)
class QueuedChangeDeadlineTests extends ProfileServiceIntegrationTest {

	@Autowired
	private MutableClock clock;

	@Autowired
	private MeService meService;

	private String token;

	@BeforeEach
	void aliceReadHerProfile() {
		this.token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(this.token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		this.client.get().uri("/me").headers((h) -> h.setBearerAuth(this.token)).exchange().expectStatus().isOk();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));
	}

	@Test
	void patchMetadataWhenTurnComesWithTooLittleTimeLeftThenRateLimitedAndNeverSent() throws Exception {
		HeldAnswer firstWrite = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");
		CompletableFuture<EntityExchangeResult<String>> first = patchInBackground("a");
		firstWrite.awaitReached();
		CompletableFuture<EntityExchangeResult<String>> second = patchInBackground("b");
		awaitSecondWaiting();

		// her first change held her turn until less than 12 s of the second's 13 were
		// left
		this.clock.advance(Duration.ofSeconds(2));
		firstWrite.release();

		assertThat(first.get().getStatus().value()).isEqualTo(200);
		EntityExchangeResult<String> refused = second.get();
		assertThat(refused.getStatus().value()).isEqualTo(429);
		assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(refused.getResponseBody()).contains("/problems/rate-limited").contains("Nothing was changed");
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenTurnComesInTimeThenSent() throws Exception {
		HeldAnswer firstWrite = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");
		CompletableFuture<EntityExchangeResult<String>> first = patchInBackground("a");
		firstWrite.awaitReached();
		CompletableFuture<EntityExchangeResult<String>> second = patchInBackground("b");
		awaitSecondWaiting();

		this.clock.advance(Duration.ofMillis(500));
		firstWrite.release();

		assertThat(first.get().getStatus().value()).isEqualTo(200);
		assertThat(second.get().getStatus().value()).isEqualTo(200);
		upstreams.management().verify(2, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	private void awaitSecondWaiting() {
		Eventually.await("the second change waits for the first", Duration.ofSeconds(10),
				() -> this.meService.changesWaiting(Upstreams.ALICE) == 1);
	}

	private CompletableFuture<EntityExchangeResult<String>> patchInBackground(String key) {
		return CompletableFuture.supplyAsync(() -> this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(this.token))
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.bodyValue("{\"" + key + "\":\"x\"}")
			.exchange()
			.expectBody(String.class)
			.returnResult());
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
