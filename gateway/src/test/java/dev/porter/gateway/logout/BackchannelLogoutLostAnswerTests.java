package dev.porter.gateway.logout;

import java.util.Map;
import java.util.UUID;

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

	private WebTestClient.ResponseSpec post(String token) {
		return TestClients.gateway(this.port)
			.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", token))
			.exchange();
	}

}
