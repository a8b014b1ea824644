package dev.porter.gateway.devices;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.RelayWaitsForHeldAnswers;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /bff/sessions} in memory mode, through real logins against {@link TestIdp}: a
 * user sees and ends their own sessions only, each ending reaches the IdP's revocation
 * endpoint, and every unsafe call needs the CSRF header. Each test signs in users of its
 * own, since the application context (and its sessions) is shared by the suite.
 */
@RelayWaitsForHeldAnswers
class SessionsApiTests extends GatewayTestSupport {

	/** {@code SESSION_MAX_PER_USER}'s default. */
	private static final int SESSIONS_PER_USER = 20;

	private static final ParameterizedTypeReference<Map<String, List<Map<String, Object>>>> LIST = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private SessionDirectory directory;

	@Autowired
	private SessionRegistry registry;

	@Test
	void listWhenAnonymousThenLoginRequiredProblem() {
		this.client.get()
			.uri("/bff/sessions")
			.header(HttpHeaders.ACCEPT, "application/json")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Login required")
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login");
	}

	@Test
	void listWhenSignedInOnTwoDevicesThenBothWithCurrentMarkedAndNeitherIdNorToken() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");

		String body = laptop.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.cacheControl(CacheControl.noStore())
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		List<Map<String, Object>> sessions = sessions(laptop);

		assertThat(sessions).hasSize(2);
		assertThat(sessions.get(0)).containsEntry("current", true).containsEntry("user_agent", "Laptop/1.0");
		assertThat(sessions.get(1)).containsEntry("current", false).containsEntry("user_agent", "Phone/2.0");
		assertThat(sessions).allSatisfy((session) -> {
			assertThat(session).containsOnlyKeys("id", "created_at", "last_seen_at", "user_agent", "current");
			assertThat((String) session.get("id")).matches("[A-Za-z0-9_-]{22}");
			assertThat(Instant.parse((String) session.get("created_at"))).isBefore(Instant.now());
			assertThat(Instant.parse((String) session.get("last_seen_at"))).isBefore(Instant.now());
		});
		assertThat(body).doesNotContain(laptop.sessionId(), phone.sessionId(), laptop.tokens().refreshToken(),
				phone.tokens().refreshToken(), laptop.tokens().accessToken(), phone.tokens().accessToken());
	}

	@Test
	void listWhenAnotherUserSignedInThenOnlyOwnSessions() {
		Browser alice = signIn(newUser(), "Alice/1.0");
		Browser bob = signIn(newUser(), "Bob/1.0");

		assertThat(sessions(bob)).singleElement().satisfies((session) -> {
			assertThat(session).containsEntry("user_agent", "Bob/1.0").containsEntry("current", true);
			assertThat(session.get("id")).isNotEqualTo(idOf(alice, true));
		});
	}

	@Test
	void listWhenOtherDeviceSignedOutThenNoLongerListed() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");

		phone.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", phone.xsrf())
			.exchange()
			.expectStatus()
			.isOk();

		assertThat(sessions(laptop)).singleElement()
			.satisfies((session) -> assertThat(session).containsEntry("user_agent", "Laptop/1.0"));
	}

	@Test
	void deleteWhenAnotherUsersSessionThenNotFoundLikeAnUnknownIdAndSessionKept() {
		Browser alice = signIn(newUser(), "Alice/1.0");
		Browser bob = signIn(newUser(), "Bob/1.0");
		String alicesId = idOf(alice, true);

		String foreign = delete(bob, "/bff/sessions/" + alicesId).expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		String unknown = delete(bob, "/bff/sessions/AAAAAAAAAAAAAAAAAAAAAA").expectStatus()
			.isNotFound()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(foreign.replace(alicesId, "AAAAAAAAAAAAAAAAAAAAAA")).isEqualTo(unknown);
		alice.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		TestIdp.instance().server().verify(0, postRequestedFor(urlPathEqualTo("/oauth/revoke")));
	}

	@Test
	void deleteWhenOwnOtherSessionThenItEndsAndItsRefreshTokenIsRevoked() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");

		delete(laptop, "/bff/sessions/" + idOf(laptop, false)).expectStatus().isNoContent();

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		phone.get("/bff/sessions").exchange().expectStatus().isUnauthorized();
		assertThat(sessions(laptop)).singleElement()
			.satisfies((session) -> assertThat(session).containsEntry("current", true));
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
		TestIdp.instance().server().verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke")));
	}

	/**
	 * A request of the ended session still on its way when it ends (a thief keeping a
	 * stolen cookie busy, or the SPA's own) must not bring the session back when it
	 * answers: in memory, the session it holds is the stored one.
	 */
	@Test
	void deleteWhenARequestOfThatSessionIsInFlightThenTheSessionStaysEnded() throws Exception {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneSession = phone.sessionId();
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{}")));
		HeldAnswer profileAnswer = holdProfileAnswer("/me");
		CompletableFuture<Integer> inFlight = CompletableFuture
			.supplyAsync(() -> phone.get("/me").exchange().returnResult(Void.class).getStatus().value());
		profileAnswer.awaitReached();

		delete(laptop, "/bff/sessions/" + idOf(laptop, false)).expectStatus().isNoContent();
		assertThat(inFlight).as("the phone's request, its answer held").isNotDone();
		profileAnswer.release();
		assertThat(inFlight.join()).as("profile-service's answer, relayed").isEqualTo(200);

		this.client.get()
			.uri("/bff/session")
			.cookie(Browser.SESSION_COOKIE, phoneSession)
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);
		assertThat(sessions(laptop)).as("the laptop's list").hasSize(1);
	}

	@Test
	void deleteWhenXsrfHeaderMissingThenForbiddenAndSessionKept() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		laptop.xsrf();

		laptop.method(HttpMethod.DELETE, "/bff/sessions/" + idOf(laptop, false))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("CSRF check failed");
		laptop.method(HttpMethod.DELETE, "/bff/sessions?others=true").exchange().expectStatus().isForbidden();

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		assertThat(sessions(laptop)).hasSize(2);
	}

	@Test
	void deleteWhenCurrentSessionThenConflictPointingToLogoutAndSessionKept() {
		Browser laptop = signIn(newUser(), "Laptop/1.0");

		delete(laptop, "/bff/sessions/" + idOf(laptop, true)).expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.logout_url")
			.isEqualTo("/bff/logout");

		laptop.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	@Test
	void deleteOthersWhenSignedInOnThreeDevicesThenEndsTheTwoOthersAndRevokesBoth() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		Browser tablet = signIn(sub, "Tablet/3.0");
		Browser stranger = signIn(newUser(), "Stranger/1.0");

		delete(laptop, "/bff/sessions?others=true").expectStatus().isOk().expectBody().jsonPath("$.ended").isEqualTo(2);

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		tablet.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		laptop.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		stranger.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		TestIdp.instance().server().verify(2, postRequestedFor(urlPathEqualTo("/oauth/revoke")));
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + tablet.tokens().refreshToken())));
	}

	/**
	 * One account scripting logins (single sign-on makes each one a click) must not pile
	 * up sessions without bound: past {@code SESSION_MAX_PER_USER} (20 by default), a
	 * login ends the user's least recently used session, as "sign out" of that device
	 * would.
	 */
	@Test
	void loginWhenUserHasTheMostSessionsAllowedThenTheLeastRecentlyUsedEndsAndItsTokenIsRevoked() {
		String sub = newUser();
		List<Browser> devices = new ArrayList<>();
		for (int i = 0; i < SESSIONS_PER_USER; i++) {
			devices.add(signIn(sub, "Device/" + i));
		}
		TestIdp.instance().server().resetRequests();

		Browser newest = signIn(sub, "Newest/1.0");

		devices.get(0).get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		devices.get(1).get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		newest.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		assertThat(sessions(newest)).hasSize(SESSIONS_PER_USER)
			.noneSatisfy((session) -> assertThat(session).containsEntry("user_agent", "Device/0"));
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + devices.get(0).tokens().refreshToken())));
	}

	/**
	 * A signed-in browser that signs in again gets a new session; the one it replaced
	 * ends as any ended session does: its refresh token (whose only copy went with it)
	 * revoked, and no entry left for it in the back-channel registry or the directory.
	 */
	@Test
	void loginWhenBrowserAlreadySignedInThenTheReplacedSessionEndsWithItsTokenRevokedAndItsEntries() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		String firstRefreshToken = laptop.tokens().refreshToken();
		SessionKey first = SessionKey.of(laptop.sessionId());

		laptop.login(sub, 3600);

		SessionKey second = SessionKey.of(laptop.sessionId());
		assertThat(second).isNotEqualTo(first);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + firstRefreshToken)));
		assertThat(this.directory.entriesOf(sub).map(DirectoryEntry::key).collectList().block())
			.containsExactly(second);
		assertThat(this.registry.findBySub(sub).block()).containsExactly(second);
	}

	@Test
	void deleteAllWhenOthersParameterMissingThenBadRequestNamingItAndNothingEnds() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");

		delete(laptop, "/bff/sessions").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("others");

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	private Browser signIn(String sub, String userAgent) {
		return new Browser(
				TestClients.gateway(this.port).mutate().defaultHeader(HttpHeaders.USER_AGENT, userAgent).build())
			.login(sub, 3600);
	}

	private static String newUser() {
		return "auth0|sessions-" + UUID.randomUUID();
	}

	static List<Map<String, Object>> sessions(Browser browser) {
		return browser.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(LIST)
			.returnResult()
			.getResponseBody()
			.get("sessions");
	}

	/** The id of the browser's own session ({@code current}), or of the other one. */
	static String idOf(Browser browser, boolean current) {
		return sessions(browser).stream()
			.filter((session) -> Boolean.valueOf(current).equals(session.get("current")))
			.map((session) -> (String) session.get("id"))
			.findFirst()
			.orElseThrow();
	}

	static WebTestClient.ResponseSpec delete(Browser browser, String path) {
		String xsrf = browser.xsrf();
		return browser.method(HttpMethod.DELETE, path).header("X-XSRF-TOKEN", xsrf).exchange();
	}

}
