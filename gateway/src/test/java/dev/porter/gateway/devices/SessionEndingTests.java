package dev.porter.gateway.devices;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.LeavingClient;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ending sessions through {@code /bff/sessions} when the bookkeeping around them fails or
 * the IdP is slow: a session removed from the store is its refresh token's only copy, so
 * the token is revoked whatever happens to the registry and the directory; and ending the
 * other sessions waits for their revocations together, not one after another.
 */
@Import({ StoreHiccups.class, MovableGatewayClock.class })
@ExtendWith(OutputCaptureExtension.class)
// The tests hold the IdP's revocation answers themselves while they check what the
// endings do meanwhile: the gateway must not give up on a held answer first (the shared
// 2 s would race a busy machine). A revocation is still given up after TokenRevoker's
// own 3 s.
@TestPropertySource(properties = "porter.test.oidc-response-timeout=30s")
class SessionEndingTests extends GatewayTestSupport {

	/** What TokenRevoker logs when it gives a revocation up. */
	private static final String REVOCATION_GIVEN_UP = "refresh token revocation failed";

	@Autowired
	private StoreHiccups hiccups;

	@Autowired
	private MovableClock clock;

	@Autowired
	private MeterRegistry meters;

	@BeforeEach
	void clockAtRealTime() {
		this.clock.moveTo(Instant.now());
	}

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void deleteWhenRegistryFailsToForgetTheSessionThenItsRefreshTokenIsRevokedAnyway() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneId = SessionsApiTests.idOf(laptop, false);
		this.hiccups.unregister.set(true);

		SessionsApiTests.delete(laptop, "/bff/sessions/" + phoneId);

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
	}

	@Test
	void deleteWhenDirectoryFailsToForgetTheSessionThenItsRefreshTokenIsRevokedAnyway() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneId = SessionsApiTests.idOf(laptop, false);
		this.hiccups.forget.set(true);

		SessionsApiTests.delete(laptop, "/bff/sessions/" + phoneId);

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
	}

	/**
	 * The store removed the session but its answer came too late: the token read before
	 * is the only copy left, and a retry finds no session to read it from.
	 */
	@Test
	void deleteWhenStoreRemovedTheSessionButItsAnswerWasLostThenItsRefreshTokenIsRevokedAnyway() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneId = SessionsApiTests.idOf(laptop, false);
		this.hiccups.endAnswerLost.set(true);

		SessionsApiTests.delete(laptop, "/bff/sessions/" + phoneId).expectStatus().isEqualTo(503);

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
	}

	/**
	 * The session refreshed between the ending's read of its refresh token and its
	 * removal: the removed session held the rotated token, which the ending must revoke,
	 * not only the one the IdP rotated away.
	 */
	@Test
	void deleteWhenTheSessionRefreshesBeforeItsRemovalThenTheRotatedRefreshTokenIsRevoked() throws Exception {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = new Browser(
				TestClients.gateway(this.port).mutate().defaultHeader(HttpHeaders.USER_AGENT, "Phone/2.0").build())
			.login(sub, 30);
		String phoneId = SessionsApiTests.idOf(laptop, false);
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + phone.tokens().refreshToken()))
				.willReturn(okJson(TestIdp.json(Map.of("access_token", "at-rotated", "refresh_token", rotated,
						"token_type", "Bearer", "expires_in", 3600)))));
		StoreHiccups.Held held = new StoreHiccups.Held();
		this.hiccups.tokenReadHeld.set(held);
		CompletableFuture<Void> deletion = CompletableFuture
			.runAsync(() -> SessionsApiTests.delete(laptop, "/bff/sessions/" + phoneId).expectStatus().isNoContent());
		held.reached().get(10, TimeUnit.SECONDS);

		// Past half the phone's 30 s token: its next request refreshes it.
		this.clock.moveTo(Instant.now().plusSeconds(16));
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"" + sub + "\"}")));
		phone.get("/me").exchange().expectStatus().isOk();
		TestIdp.instance().awaitRefreshWith(phone.tokens().refreshToken());
		held.released().complete(null);
		deletion.get(10, TimeUnit.SECONDS);

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance().awaitRevocationOf(rotated);
	}

	/**
	 * One of the sessions ended together fails to be removed while another, removed
	 * already, is still forgetting itself: that one must run to its revocation. It is out
	 * of the store, so no retry would find it, and its token would stay valid.
	 */
	@Test
	void deleteOthersWhenOneRemovalFailsThenTheOthersStillRevokeTheirTokens() throws Exception {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		Browser tablet = signIn(sub, "Tablet/3.0");
		SessionKey phoneKey = SessionKey.of(phone.sessionId());
		StoreHiccups.Held tabletForgetting = new StoreHiccups.Held();
		this.hiccups.unregistersHeld.put(SessionKey.of(tablet.sessionId()), tabletForgetting);
		// The phone's removal fails once the tablet is out of the store.
		CompletableFuture<Void> phoneFailed = this.hiccups.failRemovalWhen(phoneKey, tabletForgetting.reached());
		CompletableFuture<Void> deletion = CompletableFuture
			.runAsync(() -> SessionsApiTests.delete(laptop, "/bff/sessions?others=true").expectStatus().isEqualTo(503));

		phoneFailed.get(10, TimeUnit.SECONDS);
		tabletForgetting.released().complete(null);
		deletion.get(10, TimeUnit.SECONDS);

		tablet.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance().awaitRevocationOf(tablet.tokens().refreshToken());
	}

	/**
	 * Redis refusing every removal (a replica after a failover answers READONLY): each
	 * ending fails, and the answer is the store's 503, not a 500 for the failures put
	 * together.
	 */
	@Test
	void deleteOthersWhenEveryRemovalFailsThenServiceUnavailableWithRetryAfter() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		for (Browser other : List.of(signIn(sub, "Phone/2.0"), signIn(sub, "Tablet/3.0"))) {
			this.hiccups.failingRemovals.put(SessionKey.of(other.sessionId()),
					Mono.error(new QueryTimeoutException("Redis command timed out")));
		}

		SessionsApiTests.delete(laptop, "/bff/sessions?others=true")
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
	}

	/**
	 * Every revocation's answer is held: one after another, the second would be sent only
	 * once the first was given up (after 3 s, {@code TokenRevoker}'s timeout), and that
	 * is logged. Together, all three arrive while none has been answered or given up.
	 */
	@Test
	void deleteOthersWhenIdpSlowToRevokeThenTheRevocationsRunTogether(CapturedOutput output) throws Exception {
		// The output since the class began holds other tests' revocations given up.
		int outputStart = output.getOut().length();
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		List<HeldAnswer> revocations = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String token = signIn(sub, "Device/" + i).tokens().refreshToken();
			revocations.add(TestIdp.instance().holdRevocationOf(token));
		}

		CompletableFuture<Void> ending = CompletableFuture
			.runAsync(() -> SessionsApiTests.delete(laptop, "/bff/sessions?others=true")
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.ended")
				.isEqualTo(3));
		for (HeldAnswer revocation : revocations) {
			revocation.awaitReached();
		}
		assertThat(revocationsGivenUp(output, outputStart)).as("revocations given up").isEmpty();
		assertThat(ending).as("the ending, waiting for its revocations").isNotDone();
		revocations.forEach(HeldAnswer::release);

		ending.get(30, TimeUnit.SECONDS);
		assertThat(revocationsGivenUp(output, outputStart)).as("revocations given up").isEmpty();
	}

	/**
	 * Removing a session is what signs it out; each revocation waits for the IdP. One
	 * after another, four at a time, the fifth session stayed signed in until a
	 * revocation was answered or given up. All are out of the store before the IdP is
	 * asked anything.
	 */
	@Test
	void deleteOthersWhenIdpSlowToRevokeThenEverySessionIsSignedOutBeforeAnyRevocationIsAnswered() throws Exception {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		List<Browser> others = new ArrayList<>();
		List<HeldAnswer> revocations = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			Browser other = signIn(sub, "Device/" + i);
			others.add(other);
			revocations.add(TestIdp.instance().holdRevocationOf(other.tokens().refreshToken()));
		}

		CompletableFuture<Void> ending = CompletableFuture
			.runAsync(() -> SessionsApiTests.delete(laptop, "/bff/sessions?others=true")
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.ended")
				.isEqualTo(6));
		try {
			Eventually.await("revocations waiting at the IdP", Duration.ofSeconds(10),
					() -> revocations.stream().anyMatch((revocation) -> revocation.reached().isDone()));
			for (Browser other : others) {
				assertThat(signedIn(other)).as("a session whose revocation is not answered yet").isFalse();
			}
		}
		finally {
			revocations.forEach(HeldAnswer::release);
		}
		ending.get(30, TimeUnit.SECONDS);
	}

	/**
	 * The user closes the tab while the endings wait for the IdP's revocations, four at a
	 * time: the sessions not begun yet stayed signed in (a thief's, maybe), and those
	 * begun lost the revocations not sent yet. However the client goes, every session
	 * ends and every refresh token is revoked.
	 */
	@Test
	void deleteOthersWhenTheClientStopsWaitingWhileRevocationsAreHeldThenEverySessionEndsAndEveryTokenIsRevoked()
			throws Exception {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		List<Browser> others = new ArrayList<>();
		List<HeldAnswer> revocations = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			Browser other = signIn(sub, "Device/" + i);
			others.add(other);
			revocations.add(TestIdp.instance().holdRevocationOf(other.tokens().refreshToken()));
		}
		String xsrf = laptop.xsrf();
		LeavingClient client = LeavingClient.send(this.meters,
				laptop.webClient(this.port).delete().uri("/bff/sessions?others=true").header("X-XSRF-TOKEN", xsrf));
		Eventually.await("four revocations waiting at the IdP", Duration.ofSeconds(10),
				() -> revocations.stream().filter((revocation) -> revocation.reached().isDone()).count() >= 4);

		client.leave();
		revocations.forEach(HeldAnswer::release);

		for (Browser other : others) {
			Eventually.await("every other session ended", Duration.ofSeconds(10), () -> !signedIn(other));
			TestIdp.instance().awaitRevocationOf(other.tokens().refreshToken());
		}
		assertThat(signedIn(laptop)).as("the current session").isTrue();
	}

	/**
	 * The client leaves once the session is out of the store, before its refresh token,
	 * whose only copy the removal took, is revoked.
	 */
	@Test
	void deleteWhenTheClientStopsWaitingBeforeTheRevocationThenTheRefreshTokenIsRevokedAnyway() throws Exception {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneId = SessionsApiTests.idOf(laptop, false);
		StoreHiccups.Held forgetting = new StoreHiccups.Held();
		this.hiccups.unregistersHeld.put(SessionKey.of(phone.sessionId()), forgetting);
		String xsrf = laptop.xsrf();
		LeavingClient client = LeavingClient.send(this.meters,
				laptop.webClient(this.port).delete().uri("/bff/sessions/" + phoneId).header("X-XSRF-TOKEN", xsrf));
		forgetting.reached().get(10, TimeUnit.SECONDS);

		client.leave();
		forgetting.released().complete(null);

		TestIdp.instance().awaitRevocationOf(phone.tokens().refreshToken());
		assertThat(signedIn(phone)).isFalse();
	}

	private static boolean signedIn(Browser browser) {
		return browser.get("/bff/session")
			.exchange()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("authenticated")
			.asBoolean();
	}

	private static List<String> revocationsGivenUp(CapturedOutput output, int outputStart) {
		return output.getOut()
			.substring(outputStart)
			.lines()
			.filter((line) -> line.contains(REVOCATION_GIVEN_UP))
			.toList();
	}

	private Browser signIn(String sub, String userAgent) {
		return new Browser(
				TestClients.gateway(this.port).mutate().defaultHeader(HttpHeaders.USER_AGENT, userAgent).build())
			.login(sub, 3600);
	}

	private static String newUser() {
		return "auth0|ending-" + UUID.randomUUID();
	}

}
