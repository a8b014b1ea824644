package dev.porter.gateway.login;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser signed in that signs in again (a second tab's "Sign in", two tabs sent to the
 * login by a {@code 401} at once) goes through the IdP's single sign-on silently, within
 * the same IdP session: the ID token carries the same {@code sid}. Keycloak keeps one
 * client session per IdP session and client, which both logins share, and revoking either
 * login's refresh token ends it: the other login then fails its next refresh. So the
 * session the new login replaces ends without its refresh token revoked, and a new login
 * that fails leaves its fresh token unrevoked while the browser's session of the same IdP
 * session stays. Another IdP session's token is revoked as before, and so is every token
 * of an IdP session the IdP logged out (a back-channel logout of its {@code sid}): it
 * goes on nowhere, even while the logout has not ended all of its sessions yet.
 */
@Import(StoreHiccups.class)
class ReplacedSessionSameIdpSessionTests extends GatewayTestSupport {

	@Autowired
	private StoreHiccups hiccups;

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	// Keycloak: the new login signed out within one access token's lifetime.
	@Test
	void loginAgainWhenSameIdpSessionThenTheReplacedSessionEndsAndItsRefreshTokenIsNotRevoked() {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser browser = browser().login(sub, sid, 3600);
		String replacedId = browser.sessionId();
		String replacedToken = browser.tokens().refreshToken();

		browser.login(sub, sid, 3600);

		assertNotRevoked(replacedToken);
		presenting(replacedId).get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		browser.get("/bff/sessions")
			.exchange()
			.expectBody()
			.jsonPath("$.sessions.length()")
			.isEqualTo(1)
			.jsonPath("$.sessions[0].current")
			.isEqualTo(true);
	}

	@Test
	void loginAgainWhenAnotherIdpSessionThenTheReplacedSessionsRefreshTokenIsRevoked() {
		String sub = newUser();
		Browser browser = browser().login(sub, "sid-" + UUID.randomUUID(), 3600);
		String replacedId = browser.sessionId();
		String replacedToken = browser.tokens().refreshToken();

		browser.login(sub, "sid-" + UUID.randomUUID(), 3600);

		TestIdp.instance().verifyRevocations(1, replacedToken);
		presenting(replacedId).get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	// The fresh token's revocation ended the IdP session's client session at Keycloak,
	// which the browser's first session shares: signed out at its next refresh.
	@Test
	void loginAgainWhenSameIdpSessionAndTheLoginCannotBeRecordedThenNeitherTokenIsRevoked() {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser browser = browser().login(sub, sid, 3600);
		String kept = browser.tokens().refreshToken();
		this.hiccups.record.set(true);

		URI landing = browser.attemptLogin(sub, sid, 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertNotRevoked(browser.tokens().refreshToken());
		assertNotRevoked(kept);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	// The store failing again when asked whether the IdP logged the IdP session out:
	// not knowing, the presented session is taken to go on, as before that question was
	// asked, or the revocation would sign it out at Keycloak.
	@Test
	void loginAgainWhenSameIdpSessionAndTheLoginCannotBeRecordedNorTheLogoutLookedUpThenNeitherTokenIsRevoked() {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser browser = browser().login(sub, sid, 3600);
		String kept = browser.tokens().refreshToken();
		this.hiccups.record.set(true);
		this.hiccups.loggedOutLookup.set(true);

		URI landing = browser.attemptLogin(sub, sid, 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertThat(this.hiccups.loggedOutLookup).as("the look-up failed").isFalse();
		assertNotRevoked(browser.tokens().refreshToken());
		assertNotRevoked(kept);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	/**
	 * The IdP logged the IdP session out while the new login's callback ran: the login is
	 * abandoned, and the presented session is ending by the same logout, which has read
	 * it and not removed it yet. It does not go on: the new login's token is held by
	 * nobody.
	 */
	@Test
	void loginAgainWhenSameIdpSessionIsLoggedOutDuringTheCallbackThenTheNewLoginsRefreshTokenIsRevoked()
			throws Exception {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser browser = browser().login(sub, sid, 3600);
		String presentedToken = browser.tokens().refreshToken();
		StoreHiccups.Held presentedEnding = new StoreHiccups.Held();
		this.hiccups.removalsHeld.put(SessionKey.of(browser.sessionId()), presentedEnding);
		HeldAnswer exchange = TestIdp.instance().holdCodeExchange();

		CompletableFuture<URI> login = CompletableFuture.supplyAsync(() -> browser.attemptLogin(sub, sid, 3600));
		CompletableFuture<Void> logout;
		try {
			exchange.awaitReached();
			logout = CompletableFuture.runAsync(() -> backchannelLogout(sid, sub).expectStatus().isOk());
			presentedEnding.reached().get(10, TimeUnit.SECONDS);
		}
		finally {
			exchange.release();
		}
		URI landing;
		try {
			landing = login.get(30, TimeUnit.SECONDS);
			assertRevoked(browser.tokens().refreshToken());
		}
		finally {
			presentedEnding.released().complete(null);
		}
		logout.get(10, TimeUnit.SECONDS);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertRevoked(presentedToken);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	/**
	 * The IdP logged the IdP session out once the new login was registered, while it was
	 * ending the presented session: the logout ends the new login too, and the presented
	 * session's token, which the login took with it, goes on nowhere.
	 */
	@Test
	void loginAgainWhenSameIdpSessionIsLoggedOutWhileThePresentedSessionEndsThenItsRefreshTokenIsRevoked()
			throws Exception {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser browser = browser().login(sub, sid, 3600);
		String replacedToken = browser.tokens().refreshToken();
		StoreHiccups.Held replacedForgetting = new StoreHiccups.Held();
		this.hiccups.unregistersHeld.put(SessionKey.of(browser.sessionId()), replacedForgetting);

		CompletableFuture<URI> login = CompletableFuture.supplyAsync(() -> browser.attemptLogin(sub, sid, 3600));
		try {
			replacedForgetting.reached().get(10, TimeUnit.SECONDS);
			backchannelLogout(sid, sub).expectStatus().isOk();
		}
		finally {
			replacedForgetting.released().complete(null);
		}
		login.get(30, TimeUnit.SECONDS);

		assertRevoked(replacedToken);
		assertRevoked(browser.tokens().refreshToken());
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	private WebTestClient.ResponseSpec backchannelLogout(String sid, String sub) {
		return this.client.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token",
					TestIdp.instance().logoutToken(Map.of("sid", sid, "sub", sub))))
			.exchange();
	}

	/** Once, before the callback answered (or the logout, for its own sessions). */
	private static void assertRevoked(String refreshToken) {
		TestIdp.instance().verifyRevocations(1, refreshToken);
	}

	/**
	 * The callback answers once the presented session has ended, or the failed login was
	 * abandoned, revocation included: none sent by then is none at all.
	 */
	private static void assertNotRevoked(String refreshToken) {
		TestIdp.instance().verifyRevocations(0, refreshToken);
	}

	/** Another browser that presents the session cookie {@code sessionId}. */
	private Browser presenting(String sessionId) {
		Browser other = new Browser(TestClients.gateway(this.port));
		other.cookies().put(Browser.SESSION_COOKIE, sessionId);
		return other;
	}

	private static String newUser() {
		return "auth0|same-idp-session-" + UUID.randomUUID();
	}

}
