package dev.porter.gateway.logout;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A back-channel logout whose look-up in the session registry Redis carried out, though
 * its answer came after the gateway stopped waiting: the first delivery answers 503, and
 * the IdP's retry of the same token still finds the sessions to end.
 */
@Import(StoreHiccups.class)
class BackchannelLogoutLostAnswerTests extends GatewayTestSupport {

	@Autowired
	private StoreHiccups hiccups;

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void backchannelLogoutWhenRegistryAnswerLostThenRetryOfSameTokenEndsSession() {
		String sub = "auth0|lost-answer-" + UUID.randomUUID();
		Browser browser = new Browser(TestClients.gateway(this.port)).login(sub, 3600);
		String token = TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", sub));
		this.hiccups.lookupAnswerLost.set(true);

		post(token).expectStatus().isEqualTo(503);

		post(token).expectStatus().isOk();
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	/**
	 * A logout of the user's every session (no {@code sid}) in which one session fails to
	 * be removed while another, out of the store already, is still forgetting itself:
	 * that one must run to its revocation. The IdP's retry would find it in the registry
	 * but no longer in the store, with no token left to revoke.
	 */
	@Test
	void backchannelLogoutWhenOneRemovalFailsThenTheOtherSessionsStillRevokeTheirTokens() throws Exception {
		String sub = "auth0|one-fails-" + UUID.randomUUID();
		Browser phone = new Browser(TestClients.gateway(this.port)).login(sub, 3600);
		Browser tablet = new Browser(TestClients.gateway(this.port)).login(sub, 3600);
		SessionKey phoneKey = SessionKey.of(phone.sessionId());
		StoreHiccups.Held tabletForgetting = new StoreHiccups.Held();
		this.hiccups.unregistersHeld.put(SessionKey.of(tablet.sessionId()), tabletForgetting);
		// The phone's removal fails once the tablet is out of the store.
		CompletableFuture<Void> phoneFailed = this.hiccups.failRemovalWhen(phoneKey, tabletForgetting.reached());
		String token = TestIdp.instance().logoutToken(Map.of("sub", sub));
		CompletableFuture<Void> delivery = CompletableFuture.runAsync(() -> post(token).expectStatus().isEqualTo(503));

		phoneFailed.get(10, TimeUnit.SECONDS);
		tabletForgetting.released().complete(null);
		delivery.get(10, TimeUnit.SECONDS);

		tablet.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance().awaitRevocationOf(tablet.tokens().refreshToken());
	}

	/**
	 * A session is removed once: a second removal of a session already taken (asked for
	 * after every ending that worked) could only fail, and a Redis hiccup on it answered
	 * the IdP 503 for a logout that had ended everything.
	 */
	@Test
	void backchannelLogoutThenEachSessionIsRemovedOnce() {
		String sub = "auth0|removed-once-" + UUID.randomUUID();
		Browser browser = new Browser(TestClients.gateway(this.port)).login(sub, 3600);

		post(TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", sub))).expectStatus().isOk();

		assertThat(this.hiccups.removals.get(SessionKey.of(browser.sessionId()))).hasValue(1);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	private WebTestClient.ResponseSpec post(String token) {
		return TestClients.gateway(this.port)
			.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", token))
			.exchange();
	}

}
