package dev.porter.gateway.devices;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One browser may hold two sessions of one IdP session ({@code sid}): two tabs sent to
 * the login at once both sign in through the IdP's single sign-on, and the browser keeps
 * the cookie of the one answered last. Ending the other from the one kept (by
 * {@code DELETE /bff/sessions}, or a login past {@code SESSION_MAX_PER_USER}) leaves its
 * refresh token unrevoked: at Keycloak both share one client session, which the
 * revocation would end, and the session kept would fail its next refresh. Other IdP
 * sessions' tokens are revoked, as {@link SessionsApiTests} pins, and so are the tokens
 * of an IdP session the IdP logged out (a back-channel logout of its {@code sid}): the
 * session kept goes on nowhere, even while the logout has not ended it yet.
 */
@Import(StoreHiccups.class)
class SameIdpSessionEndingTests extends GatewayTestSupport {

	/** {@code SESSION_MAX_PER_USER}'s default. */
	private static final int SESSIONS_PER_USER = 20;

	@Autowired
	private StoreHiccups hiccups;

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void deleteOthersWhenOneIsOfTheCurrentIdpSessionThenBothEndAndOnlyTheOtherIdpSessionsTokenIsRevoked() {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser otherTab = browser().login(sub, sid, 3600);
		Browser phone = browser().login(sub, "sid-" + UUID.randomUUID(), 3600);
		Browser kept = browser().login(sub, sid, 3600);

		SessionsApiTests.delete(kept, "/bff/sessions?others=true")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ended")
			.isEqualTo(2);

		otherTab.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		assertNotRevoked(otherTab.tokens().refreshToken());
		TestIdp.instance().verifyRevocations(1, phone.tokens().refreshToken());
	}

	@Test
	void deleteOneWhenOfTheCurrentIdpSessionThenItEndsWithItsTokenNotRevoked() {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser otherTab = browser().login(sub, sid, 3600);
		Browser kept = browser().login(sub, sid, 3600);

		SessionsApiTests.delete(kept, "/bff/sessions/" + SessionsApiTests.idOf(kept, false))
			.expectStatus()
			.isNoContent();

		otherTab.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		assertNotRevoked(otherTab.tokens().refreshToken());
		kept.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	// Whether the IdP logged the IdP session out is one more read of the store: a
	// timeout there revoked the token, and at Keycloak signed the session kept out at its
	// next refresh. Not knowing, the session kept is taken to go on, as before the read.
	@Test
	void deleteOneWhenOfTheCurrentIdpSessionAndTheLogoutLookupFailsThenItsTokenIsNotRevoked() {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser otherTab = browser().login(sub, sid, 3600);
		Browser kept = browser().login(sub, sid, 3600);
		String otherId = SessionsApiTests.idOf(kept, false);
		this.hiccups.loggedOutLookup.set(true);

		SessionsApiTests.delete(kept, "/bff/sessions/" + otherId).expectStatus().isNoContent();

		assertThat(this.hiccups.loggedOutLookup).as("the look-up failed").isFalse();
		otherTab.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		assertNotRevoked(otherTab.tokens().refreshToken());
		kept.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	@Test
	void loginPastTheLimitWhenTheLeastRecentlyUsedIsOfTheSameIdpSessionThenItEndsWithItsTokenNotRevoked() {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser otherTab = browser().login(sub, sid, 3600);
		for (int i = 1; i < SESSIONS_PER_USER; i++) {
			browser().login(sub, "sid-" + UUID.randomUUID(), 3600);
		}

		Browser kept = browser().login(sub, sid, 3600);

		otherTab.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		assertThat(SessionsApiTests.sessions(kept)).hasSize(SESSIONS_PER_USER);
		assertNotRevoked(otherTab.tokens().refreshToken());
	}

	/**
	 * The IdP logs the IdP session out while the other tab's session is ending (out of
	 * the store, its token taken): the logout ends the session kept too, so the other's
	 * token goes on nowhere.
	 */
	@Test
	void deleteOneWhenOfTheCurrentIdpSessionAndTheIdpLogsItOutMeanwhileThenItsTokenIsRevoked() throws Exception {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser otherTab = browser().login(sub, sid, 3600);
		Browser kept = browser().login(sub, sid, 3600);
		String otherId = SessionsApiTests.idOf(kept, false);
		StoreHiccups.Held otherForgetting = new StoreHiccups.Held();
		this.hiccups.unregistersHeld.put(SessionKey.of(otherTab.sessionId()), otherForgetting);

		CompletableFuture<Void> deletion = CompletableFuture
			.runAsync(() -> SessionsApiTests.delete(kept, "/bff/sessions/" + otherId).expectStatus().isNoContent());
		try {
			otherForgetting.reached().get(10, TimeUnit.SECONDS);
			backchannelLogout(sid, sub).expectStatus().isOk();
		}
		finally {
			otherForgetting.released().complete(null);
		}
		deletion.get(10, TimeUnit.SECONDS);

		assertRevokedOnce(otherTab.tokens().refreshToken());
		kept.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	/**
	 * The IdP logs the new login's IdP session out while the login is making room: the
	 * session of it put aside goes on nowhere.
	 */
	@Test
	void loginPastTheLimitWhenTheIdpLogsItsSessionOutMeanwhileThenTheEndedSessionsTokenIsRevoked() throws Exception {
		String sub = newUser();
		String sid = "sid-" + UUID.randomUUID();
		Browser otherTab = browser().login(sub, sid, 3600);
		for (int i = 1; i < SESSIONS_PER_USER; i++) {
			browser().login(sub, "sid-" + UUID.randomUUID(), 3600);
		}
		StoreHiccups.Held otherForgetting = new StoreHiccups.Held();
		this.hiccups.unregistersHeld.put(SessionKey.of(otherTab.sessionId()), otherForgetting);
		Browser kept = browser();

		CompletableFuture<Void> login = CompletableFuture.runAsync(() -> kept.attemptLogin(sub, sid, 3600));
		try {
			otherForgetting.reached().get(10, TimeUnit.SECONDS);
			backchannelLogout(sid, sub).expectStatus().isOk();
		}
		finally {
			otherForgetting.released().complete(null);
		}
		login.get(30, TimeUnit.SECONDS);

		assertRevokedOnce(otherTab.tokens().refreshToken());
		kept.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	private WebTestClient.ResponseSpec backchannelLogout(String sid, String sub) {
		return this.client.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token",
					TestIdp.instance().logoutToken(Map.of("sid", sid, "sub", sub))))
			.exchange();
	}

	/** By the ending, once its revocation was sent; the logout found it gone. */
	private static void assertRevokedOnce(String refreshToken) {
		TestIdp.instance().verifyRevocations(1, refreshToken);
	}

	/**
	 * Each ending answers once its revocation was sent: none sent by then is none at all.
	 */
	private static void assertNotRevoked(String refreshToken) {
		TestIdp.instance().verifyRevocations(0, refreshToken);
	}

	private static String newUser() {
		return "auth0|same-idp-session-" + UUID.randomUUID();
	}

}
