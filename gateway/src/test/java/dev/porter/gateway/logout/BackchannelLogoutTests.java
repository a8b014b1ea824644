package dev.porter.gateway.logout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The back-channel logout endpoint. The gateway's clock is a {@link MovableClock}, set to
 * the real time before each test (the test IdP dates its tokens on the system clock), so
 * that a test can move it past the report an earlier test's refusal made.
 */
@Import(MovableGatewayClock.class)
@ExtendWith(OutputCaptureExtension.class)
class BackchannelLogoutTests extends GatewayTestSupport {

	@Autowired
	private MovableClock clock;

	@BeforeEach
	void clockAtNow() {
		this.clock.moveTo(Instant.now());
	}

	@Test
	void backchannelLogoutWhenTokenReplayedAfterNewLoginThenBadRequestAndNewSessionKept() {
		String sid = "sid-" + UUID.randomUUID();
		Browser first = browser().login("auth0|alice", sid, 3600);
		// Seconds before the new login's ID token: of one second, the login could be the
		// older, and a login under way when the logout came ends too.
		String token = TestIdp.instance()
			.logoutToken(
					Map.of("sid", sid, "sub", "auth0|alice", "iat", Instant.now().minusSeconds(5).getEpochSecond()));
		post(token).expectStatus().isOk();
		assertAuthenticated(first, false);
		// The user signs in again within the same IdP session; whoever captured the
		// logout token (a log, a proxy) posts it again.
		Browser second = browser().login("auth0|alice", sid, 3600);
		post(token).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/invalid-logout-token");
		assertAuthenticated(second, true);
	}

	/**
	 * Ory Hydra's logout tokens carry no {@code exp} (Back-Channel Logout 1.0 requires
	 * one; Hydra never retries a refused delivery): such a token is dated by its
	 * {@code iat}, and its {@code jti} is still remembered against a replay.
	 */
	@Test
	void backchannelLogoutWhenTokenHasNoExpThenSessionEndedAndAReplayRefused() {
		Browser browser = browser().login("auth0|alice", 3600);
		Map<String, Object> claims = new HashMap<>();
		claims.put("sid", browser.tokens().sid());
		claims.put("exp", null);
		String token = TestIdp.instance().logoutToken(claims);

		post(token).expectStatus().isOk();
		assertAuthenticated(browser, false);
		post(token).expectStatus().isBadRequest();
	}

	@Test
	void backchannelLogoutWhenJtiMissingThenBadRequestAndSessionKept() {
		Browser browser = browser().login("auth0|alice", 3600);
		Map<String, Object> claims = new HashMap<>();
		claims.put("sid", browser.tokens().sid());
		claims.put("jti", null);
		post(TestIdp.instance().logoutToken(claims)).expectStatus().isBadRequest();
		assertAuthenticated(browser, true);
	}

	@Test
	void backchannelLogoutWhenTypIsAccessTokenThenBadRequestAndSessionKept() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutTokenOfType("at+jwt", Map.of("sid", browser.tokens().sid()))).expectStatus()
			.isBadRequest();
		assertAuthenticated(browser, true);
	}

	@Test
	void backchannelLogoutWhenTypIsLogoutJwtThenSessionEnded() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutTokenOfType("logout+jwt", Map.of("sid", browser.tokens().sid()))).expectStatus()
			.isOk();
		assertAuthenticated(browser, false);
	}

	@Test
	void backchannelLogoutWhenIssuedLongAgoThenBadRequestAndSessionKept() {
		// Still within exp (an IdP may issue long-lived tokens), but issued an hour ago:
		// too stale to act on, and too long to remember every jti for.
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance()
			.logoutToken(Map.of("sid", browser.tokens().sid(), "iat", Instant.now().minusSeconds(3600).getEpochSecond(),
					"exp", Instant.now().plusSeconds(3600).getEpochSecond())))
			.expectStatus()
			.isBadRequest();
		assertAuthenticated(browser, true);
	}

	@Test
	void backchannelLogoutWhenTwoSessionsEndedThenAuditLogCountsTwo(CapturedOutput output) {
		String sid = "sid-" + UUID.randomUUID();
		browser().login("auth0|dave", sid, 3600);
		browser().login("auth0|dave", sid, 3600);
		post(TestIdp.instance().logoutToken(Map.of("sid", sid))).expectStatus().isOk();
		assertThat(output.getOut()).contains("back-channel logout ended 2 session(s)");
	}

	/**
	 * The endpoint is open to anyone: a client posting forged or garbage tokens in a loop
	 * must not write a line per request, nor quote what it posted.
	 */
	@Test
	void backchannelLogoutWhenFloodedWithRefusedTokensThenOneLinePerIntervalWithACount(CapturedOutput output) {
		String forged = TestIdp.instance().logoutTokenWithForeignKey(Map.of("sub", "auth0|mallory"));
		String garbage = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl";
		// Past any report an earlier test's refusal made.
		this.clock.advance(BackchannelLogoutLog.INTERVAL);
		for (int i = 0; i < 1000; i++) {
			post((i % 2 == 0) ? forged : garbage).expectStatus().isBadRequest();
		}
		assertThat(rejectedLines(output)).hasSize(1);

		this.clock.advance(BackchannelLogoutLog.INTERVAL);
		post(garbage).expectStatus().isBadRequest();

		// The flood's first refusal was reported at once, its 999 others with the next.
		assertThat(rejectedLines(output)).hasSize(2)
			.allSatisfy((line) -> assertThat(line).doesNotContain(forged).doesNotContain(garbage))
			.last()
			.asString()
			.contains("(1000 rejected since the last report)");
	}

	/**
	 * The IdP's own tokens refused while anyone posts garbage: the gateway is configured
	 * with another client id, or its clock is out of step with the IdP's. The IdP never
	 * retries a 400, and users stay signed in here after logging out there: the one line
	 * a minute was the garbage's, and no one learnt why.
	 */
	@Test
	void backchannelLogoutWhenFloodedWhileTheIdpsTokensAreRefusedThenEachReasonLogged(CapturedOutput output) {
		String garbage = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl";
		// Past any report an earlier test's refusal made.
		this.clock.advance(BackchannelLogoutLog.INTERVAL);
		Instant idpNow = this.clock.instant().minus(Duration.ofMinutes(15));
		for (int i = 0; i < 100; i++) {
			post(garbage).expectStatus().isBadRequest();
		}

		post(TestIdp.instance().logoutToken(Map.of("sub", "auth0|alice", "aud", "another-client"))).expectStatus()
			.isBadRequest();
		for (int i = 0; i < 2; i++) {
			// Each its own exp, which Spring's check names
			post(TestIdp.instance()
				.logoutToken(Map.of("sub", "auth0|alice", "iat", idpNow.getEpochSecond(), "exp",
						idpNow.plusSeconds(120 + i).getEpochSecond())))
				.expectStatus()
				.isBadRequest();
		}

		assertThat(rejectedLines(output)).hasSize(3)
			.anySatisfy((line) -> assertThat(line).contains("malformed, or not signed by a key of the IdP"))
			.anySatisfy((line) -> assertThat(line).contains("aud is not this client"))
			.anySatisfy((line) -> assertThat(line).contains("exp has passed", "iat is too far from now"));
	}

	// A realm signing with ES256 (Keycloak can): its logout tokens were refused, so
	// logging out at the IdP left the gateway's sessions signed in.
	@Test
	void backchannelLogoutWhenSignedWithEs256ByAServedKeyThenSessionEnded() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutTokenSignedWithEs256(Map.of("sid", browser.tokens().sid()))).expectStatus()
			.isOk();
		assertAuthenticated(browser, false);
	}

	@Test
	void backchannelLogoutWhenValidTokenForSidThenSessionEnded() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", "auth0|alice"))).expectStatus()
			.isOk();
		assertAuthenticated(browser, false);
	}

	// The session ended here, but its refresh token, whose only copy went with it, stayed
	// valid at the IdP (for as long as 30 days at Auth0): a copy read from the store
	// before went on working, where every other ending revokes it.
	@Test
	void backchannelLogoutWhenSessionsEndedThenTheirRefreshTokensAreRevoked() {
		String sub = "auth0|dora-" + UUID.randomUUID();
		Browser laptop = browser().login(sub, 3600);
		Browser phone = browser().login(sub, 3600);

		post(TestIdp.instance().logoutToken(Map.of("sid", phone.tokens().sid(), "sub", sub))).expectStatus().isOk();

		assertAuthenticated(phone, false);
		assertAuthenticated(laptop, true);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
		TestIdp.instance()
			.server()
			.verify(0, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + laptop.tokens().refreshToken())));
	}

	// Each ending waits for its revocation at the IdP, four at a time: an IdP that gave
	// up waiting for the answer cancelled the sessions not yet ended, and its retry of
	// the same token was refused as a replay: those sessions lived on. The revocations'
	// answers are held until the sessions have ended (the gateway gives each up after
	// its 2 s), then let go, and the test ends once every revocation has been answered:
	// left to the IdP's delay, the last ones were given up, and logged so, while the next
	// test class ran, whose tests read that log.
	@Test
	void backchannelLogoutWhenTheIdpStopsWaitingThenEverySessionOfUserStillEnds() {
		String sub = "auth0|gus-" + UUID.randomUUID();
		List<Browser> devices = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			devices.add(browser().login(sub, 3600));
		}
		List<HeldAnswer> revocations = devices.stream()
			.map((device) -> TestIdp.instance().holdRevocationOf(device.tokens().refreshToken()))
			.toList();
		try {
			assertThatThrownBy(() -> WebClient.create("http://localhost:" + this.port)
				.post()
				.uri("/bff/backchannel-logout")
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData("logout_token", TestIdp.instance().logoutToken(Map.of("sub", sub))))
				.retrieve()
				.toBodilessEntity()
				.block(Duration.ofMillis(1500))).hasMessageContaining("Timeout");

			for (Browser device : devices) {
				Eventually.await("every session of the user ended", Duration.ofSeconds(20),
						() -> Boolean.FALSE.equals(device.get("/bff/session")
							.exchange()
							.expectBody(JsonNode.class)
							.returnResult()
							.getResponseBody()
							.get("authenticated")
							.asBoolean()));
			}
		}
		finally {
			revocations.forEach(HeldAnswer::release);
		}
		for (Browser device : devices) {
			TestIdp.instance().awaitRevocationOf(device.tokens().refreshToken());
		}
	}

	@Test
	void backchannelLogoutWhenOnlySubThenEverySessionOfUserEnded() {
		// A user of its own: the logout is remembered for a login of bob's on its way,
		// and a later test's login in the same second could be taken for one.
		String bob = "auth0|bob-" + UUID.randomUUID();
		Browser first = browser().login(bob, 3600);
		Browser second = browser().login(bob, 3600);
		Browser other = browser().login("auth0|carol", 3600);
		post(TestIdp.instance().logoutToken(Map.of("sub", bob))).expectStatus().isOk();
		assertAuthenticated(first, false);
		assertAuthenticated(second, false);
		assertAuthenticated(other, true);
	}

	@Test
	void backchannelLogoutWhenSignatureInvalidThenBadRequestAndSessionKept() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutTokenWithForeignKey(Map.of("sid", browser.tokens().sid()))).expectStatus()
			.isBadRequest();
		assertAuthenticated(browser, true);
	}

	@Test
	void backchannelLogoutWhenAudienceIsAnotherClientThenBadRequestAndSessionKept() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "aud", "another-client")))
			.expectStatus()
			.isBadRequest();
		assertAuthenticated(browser, true);
	}

	@Test
	void backchannelLogoutWhenTokenHasNonceThenBadRequestAndSessionKept() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "nonce", "n-1"))).expectStatus()
			.isBadRequest();
		assertAuthenticated(browser, true);
	}

	@Test
	void backchannelLogoutWhenEventsMemberMissingThenBadRequest() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "events", Map.of()))).expectStatus()
			.isBadRequest();
		assertAuthenticated(browser, true);
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec post(String logoutToken) {
		// Server to server: no cookies, no XSRF header.
		return this.client.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", logoutToken))
			.exchange();
	}

	private static List<String> rejectedLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("back-channel logout token rejected")).toList();
	}

	private static void assertAuthenticated(Browser browser, boolean authenticated) {
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(authenticated);
	}

}
