package dev.porter.profile.me;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.SoftAssertions;

import dev.porter.profile.directory.TestManagementTokens;
import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.HeldCallBudget;
import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.profile.upstream.CallBudget;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change is sent only while its first attempt still ends before its request's deadline
 * ({@code PROFILE_REQUEST_DEADLINE}): sent later, the request deadline answered 503 "may
 * still be applied" while the change went on and was applied. A change is refused unsent,
 * "Nothing was changed", at the first step after which too little time is left, and the
 * answer names that step: a slow read ({@code /userinfo}, her current user) is 503
 * {@code upstream-unavailable}, the wait for her own change before is 429
 * {@code rate-limited}, the waits for the directory (our token for it, its call budget),
 * checked when the write is about to go, 503. Test settings: a 13 s request deadline, 12
 * s for the Management API in all and 6 s for one attempt; the clock the request deadline
 * reads moves while a held answer keeps the step going. The write, should it be sent, is
 * held: its caller then hears "may have been applied" while it could still land.
 */
@Import(ChangeSentInTimeTests.MovableClock.class)
class ChangeSentInTimeTests extends ProfileServiceIntegrationTest {

	/** More than the 7 s between the request's 13 s and one Management attempt's 6 s. */
	private static final Duration SLOW_READ = Duration.ofSeconds(8);

	/** As long as {@link #SLOW_READ}, spent waiting after the reads. */
	private static final Duration SLOW_WAIT = SLOW_READ;

	@Autowired
	private MutableClock clock;

	@Autowired
	private MetadataChanges metadataChanges;

	@Autowired
	@Qualifier("management")
	private CallBudget managementBudget;

	@Autowired
	private ApplicationContext context;

	private String token;

	@BeforeEach
	void aliceAndAManagementApiThatAppliesHerChanges() {
		this.token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(this.token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));
	}

	@Test
	void patchMetadataWhenUserinfoIsSlowThenServiceUnavailableNothingChangedAndNeverSent() throws Exception {
		aliceReadHerProfile();
		this.caches.userinfo().invalidateAll().join();
		HeldAnswer userinfo = upstreams.holdIdpAnswer("/userinfo", "");
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");

		CompletableFuture<EntityExchangeResult<String>> change = patchInBackground("{\"a\":\"x\"}");
		userinfo.awaitReached();
		this.clock.advance(SLOW_READ);
		userinfo.release();

		expectRefusedUnsentAsUpstreamSlow(change.get(), write);
		write.release();
		expectNeverSentAndHerProfileAsItWas();
	}

	@Test
	void patchMetadataWhenHerCurrentUserIsReadSlowlyThenServiceUnavailableNothingChangedAndNeverSent()
			throws Exception {
		aliceReadHerProfile();
		this.caches.directory().invalidateAll().join();
		// her current user, read for the size check: a GET, with no body
		HeldAnswer currentUser = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "");
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");

		CompletableFuture<EntityExchangeResult<String>> change = patchInBackground("{\"a\":\"x\"}");
		currentUser.awaitReached();
		this.clock.advance(SLOW_READ);
		currentUser.release();

		expectRefusedUnsentAsUpstreamSlow(change.get(), write);
		write.release();
		expectNeverSentAndHerProfileAsItWas();
	}

	/** A change that only deletes skips the queue and the size check, not this rule. */
	@Test
	void patchMetadataWhenOnlyDeletingAndUserinfoIsSlowThenServiceUnavailableNothingChangedAndNeverSent()
			throws Exception {
		aliceReadHerProfile();
		this.caches.userinfo().invalidateAll().join();
		HeldAnswer userinfo = upstreams.holdIdpAnswer("/userinfo", "");
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");

		CompletableFuture<EntityExchangeResult<String>> change = patchInBackground("{\"favourite_attack\":null}");
		userinfo.awaitReached();
		this.clock.advance(SLOW_READ);
		userinfo.release();

		expectRefusedUnsentAsUpstreamSlow(change.get(), write);
		write.release();
		expectNeverSentAndHerProfileAsItWas();
		getMe().expectBody().jsonPath("$.user_metadata.favourite_attack").isEqualTo("roundhouse_kick");
	}

	@AfterEach
	void releaseTheBudget() {
		heldBudget().releaseAll();
	}

	/**
	 * Her reads left time enough, but the change then waited for the Management API's
	 * call budget (the tenant's 16 calls a second, shared through Redis: up to
	 * {@code rate-limit-wait} and {@code REDIS_TIMEOUT}). Its first attempt's time limit
	 * starts only after that wait: sent, it could still be in flight when the request
	 * deadline told her "may still be applied", and land after.
	 */
	@Test
	void patchMetadataWhenItsWaitForCallBudgetLeavesTooLittleTimeThenServiceUnavailableNothingChangedAndNeverSent()
			throws Exception {
		aliceReadHerProfile();
		HeldCallBudget.Hold budget = heldBudget().holdNextSpend();
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");

		CompletableFuture<EntityExchangeResult<String>> change = patchInBackground("{\"a\":\"x\"}");
		budget.awaitReached();
		this.clock.advance(SLOW_WAIT);
		budget.release();

		expectRefusedUnsentAsUpstreamSlow(change.get(), write);
		write.release();
		expectNeverSentAndHerProfileAsItWas();
	}

	/**
	 * The same for the wait for our own token for the Management API (none yet, or due
	 * for renewal): it too comes after the reads' check.
	 */
	@Test
	void patchMetadataWhenItsWaitForTheDirectoryTokenLeavesTooLittleTimeThenServiceUnavailableNothingChangedAndNeverSent()
			throws Exception {
		aliceReadHerProfile();
		TestManagementTokens.forget(this.context);
		HeldAnswer token = upstreams.holdIdpAnswer("/oauth/token", "");
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");

		CompletableFuture<EntityExchangeResult<String>> change = patchInBackground("{\"a\":\"x\"}");
		token.awaitReached();
		this.clock.advance(SLOW_WAIT);
		token.release();

		expectRefusedUnsentAsUpstreamSlow(change.get(), write);
		write.release();
		expectNeverSentAndHerProfileAsItWas();
	}

	@Test
	void patchMetadataWhenItsWaitForCallBudgetLeavesJustOneManagementAttemptThenSent() throws Exception {
		aliceReadHerProfile();
		HeldCallBudget.Hold budget = heldBudget().holdNextSpend();

		CompletableFuture<EntityExchangeResult<String>> change = patchInBackground("{\"a\":\"x\"}");
		budget.awaitReached();
		this.clock.advance(Duration.ofSeconds(7));
		budget.release();

		assertThat(change.get().getStatus().value()).isEqualTo(200);
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenTurnComesWithTooLittleTimeLeftThenRateLimitedAndNeverSent() throws Exception {
		aliceReadHerProfile();
		HeldAnswer firstWrite = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");
		CompletableFuture<EntityExchangeResult<String>> first = patchInBackground("{\"a\":\"x\"}");
		firstWrite.awaitReached();
		CompletableFuture<EntityExchangeResult<String>> second = patchInBackground("{\"b\":\"x\"}");
		awaitSecondWaiting();

		// her first change held her turn until less than 12 s of the second's 13 were
		// left
		this.clock.advance(SLOW_READ);
		firstWrite.release();

		assertThat(first.get().getStatus().value()).isEqualTo(200);
		EntityExchangeResult<String> refused = second.get();
		assertThat(refused.getStatus().value()).isEqualTo(429);
		assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(refused.getResponseBody()).contains("/problems/rate-limited").contains("Nothing was changed");
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * Her change before is in flight, but this one's own {@code /userinfo} read left too
	 * little time: that is what she is told, before it waits for its turn at all.
	 */
	@Test
	void patchMetadataWhenUserinfoIsSlowWhileHerChangeBeforeIsInFlightThenServiceUnavailableNotRateLimited()
			throws Exception {
		aliceReadHerProfile();
		HeldAnswer firstWrite = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");
		CompletableFuture<EntityExchangeResult<String>> first = patchInBackground("{\"a\":\"x\"}");
		firstWrite.awaitReached();
		this.caches.userinfo().invalidateAll().join();
		HeldAnswer userinfo = upstreams.holdIdpAnswer("/userinfo", "");
		HeldAnswer secondWrite = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "\"b\"");
		CompletableFuture<EntityExchangeResult<String>> second = patchInBackground("{\"b\":\"x\"}");
		userinfo.awaitReached();
		this.clock.advance(SLOW_READ);
		userinfo.release();

		expectRefusedUnsentAsUpstreamSlow(second.get(), secondWrite);
		firstWrite.release();
		assertThat(first.get().getStatus().value()).isEqualTo(200);
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenTurnComesInTimeThenSent() throws Exception {
		aliceReadHerProfile();
		HeldAnswer firstWrite = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");
		CompletableFuture<EntityExchangeResult<String>> first = patchInBackground("{\"a\":\"x\"}");
		firstWrite.awaitReached();
		CompletableFuture<EntityExchangeResult<String>> second = patchInBackground("{\"b\":\"x\"}");
		awaitSecondWaiting();

		this.clock.advance(Duration.ofMillis(500));
		firstWrite.release();

		assertThat(first.get().getStatus().value()).isEqualTo(200);
		assertThat(second.get().getStatus().value()).isEqualTo(200);
		upstreams.management().verify(2, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenItsReadsLeaveJustOneManagementAttemptThenSent() throws Exception {
		HeldAnswer userinfo = upstreams.holdIdpAnswer("/userinfo", "");

		CompletableFuture<EntityExchangeResult<String>> change = patchInBackground("{\"a\":\"x\"}");
		userinfo.awaitReached();
		this.clock.advance(Duration.ofSeconds(7));
		userinfo.release();

		assertThat(change.get().getStatus().value()).isEqualTo(200);
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	// With the shipped settings (4 s for the request, 3.5 s for the Management API in
	// all)
	// the whole deadline left half a second for the reads: an uncached read on a slow day
	// refused ordinary changes (seen against a real Keycloak in e2e).
	@Test
	void patchMetadataWhenItsReadsLeaveLessThanTheManagementDeadlineButAnAttemptThenSent() throws Exception {
		HeldAnswer userinfo = upstreams.holdIdpAnswer("/userinfo", "");

		CompletableFuture<EntityExchangeResult<String>> change = patchInBackground("{\"a\":\"x\"}");
		userinfo.awaitReached();
		this.clock.advance(Duration.ofSeconds(2));
		userinfo.release();

		assertThat(change.get().getStatus().value()).isEqualTo(200);
		upstreams.management().verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * Refused before it was sent, said so, and safe to send again soon: the reads went on
	 * and are cached.
	 */
	private static void expectRefusedUnsentAsUpstreamSlow(EntityExchangeResult<String> answer, HeldAnswer write) {
		SoftAssertions.assertSoftly((softly) -> {
			softly.assertThat(write.reached()).as("the write reached the Management API").isNotDone();
			softly.assertThat(answer.getResponseBody())
				.contains("/problems/upstream-unavailable")
				.contains("Nothing was changed")
				.doesNotContain("may have been applied", "may still be applied");
			softly.assertThat(answer.getStatus().value()).isEqualTo(503);
			softly.assertThat(answer.getResponseHeaders().getContentType())
				.matches((type) -> type != null && type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
			softly.assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
		});
	}

	/**
	 * No write reached the Management API, and her cached profile still serves her as it
	 * was: neither dropped nor marked stale.
	 */
	private void expectNeverSentAndHerProfileAsItWas() {
		upstreams.management().verify(0, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		getMe().expectStatus()
			.isOk()
			.expectHeader()
			.valueMatches("Cache-Status", "profile-service; hit; ttl=\\d+")
			.expectBody()
			.jsonPath("$.user_metadata.a")
			.doesNotExist();
	}

	private void aliceReadHerProfile() {
		getMe().expectStatus().isOk();
	}

	private WebTestClient.ResponseSpec getMe() {
		return this.client.get().uri("/me").headers((h) -> h.setBearerAuth(this.token)).exchange();
	}

	private HeldCallBudget heldBudget() {
		return (HeldCallBudget) this.managementBudget;
	}

	private void awaitSecondWaiting() {
		Eventually.await("the second change waits for the first", Duration.ofSeconds(10),
				() -> this.metadataChanges.changesWaiting(Upstreams.ALICE) == 1);
	}

	private CompletableFuture<EntityExchangeResult<String>> patchInBackground(String body) {
		return CompletableFuture.supplyAsync(() -> this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(this.token))
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.bodyValue(body)
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

		/** The Management API's call budget, its wait held when a test asks. */
		@Bean
		static BeanPostProcessor heldManagementBudget() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					return (bean instanceof CallBudget budget && name.equals("managementCallBudget"))
							? new HeldCallBudget(budget) : bean;
				}

			};
		}

	}

}
