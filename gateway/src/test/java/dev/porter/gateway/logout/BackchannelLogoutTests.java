package dev.porter.gateway.logout;

import java.util.Map;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;

class BackchannelLogoutTests extends GatewayTestSupport {

	@Test
	void backchannelLogoutWhenValidTokenForSidThenSessionEnded() {
		Browser browser = browser().login("auth0|alice", 3600);
		post(TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", "auth0|alice"))).expectStatus()
			.isOk();
		assertAuthenticated(browser, false);
	}

	@Test
	void backchannelLogoutWhenOnlySubThenEverySessionOfUserEnded() {
		Browser first = browser().login("auth0|bob", 3600);
		Browser second = browser().login("auth0|bob", 3600);
		Browser other = browser().login("auth0|carol", 3600);
		post(TestIdp.instance().logoutToken(Map.of("sub", "auth0|bob"))).expectStatus().isOk();
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

	private static void assertAuthenticated(Browser browser, boolean authenticated) {
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(authenticated);
	}

}
