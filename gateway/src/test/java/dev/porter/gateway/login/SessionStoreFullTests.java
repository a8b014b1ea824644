package dev.porter.gateway.login;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.PendingLogin;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full in-memory store ({@code SESSION_MAX}) refuses new logins at the callback, before
 * the code exchange: the browser the IdP sent back lands on {@code /?login=failed}, as
 * any failed login, not on a JSON problem page. Logged once per interval without a stack
 * trace; the users signed in keep their sessions and can sign in again.
 */
@TestPropertySource(properties = "porter.session.max=2")
@ExtendWith(OutputCaptureExtension.class)
class SessionStoreFullTests extends GatewayTestSupport {

	@Test
	void callbackWhenStoreFullThenLoginFailedBeforeTheCodeExchangeAndSignedInUsersUnaffected(CapturedOutput output) {
		Browser alice = browser().login("auth0|alice", 3600);
		browser().login("auth0|bob", 3600);
		TestIdp.instance().server().resetRequests();

		WebTestClient.ResponseSpec third = callback("auth0|carol");
		WebTestClient.ResponseSpec fourth = callback("auth0|dave");

		third.expectStatus()
			.isFound()
			.expectHeader()
			.location("/?login=failed")
			.expectHeader()
			.doesNotExist(HttpHeaders.CONTENT_TYPE)
			.expectHeader()
			.doesNotExist(HttpHeaders.SET_COOKIE);
		fourth.expectStatus().isFound().expectHeader().location("/?login=failed");
		TestIdp.instance().server().verify(0, postRequestedFor(urlPathEqualTo("/oauth/token")));
		alice.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		String before = alice.sessionId();
		alice.login("auth0|alice", 3600);
		assertThat(alice.sessionId()).as("re-login rotates the id in place").isNotEqualTo(before);
		assertThat(output.getOut().split("session store full", -1)).as("logged once").hasSize(2);
		assertThat(output.getOut()).doesNotContain("Max sessions").doesNotContain("\tat ");
	}

	/** A new browser's whole login up to the callback's answer. */
	private WebTestClient.ResponseSpec callback(String sub) {
		PendingLogin login = PendingLogin.start(this.client);
		TestIdp.instance().stubCodeExchange(login.nonce(), sub, "sid-" + sub, 3600);
		return login.callback(HttpMethod.GET, "test-code").exchange();
	}

}
