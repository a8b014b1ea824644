package dev.porter.gateway.devices;

import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One browser may hold two sessions of one IdP session ({@code sid}): two tabs sent to
 * the login at once both sign in through the IdP's single sign-on, and the browser keeps
 * the cookie of the one answered last. Ending the other from the one kept (by
 * {@code DELETE /bff/sessions}, or a login past {@code SESSION_MAX_PER_USER}) leaves its
 * refresh token unrevoked: at Keycloak both share one client session, which the
 * revocation would end, and the session kept would fail its next refresh. Other IdP
 * sessions' tokens are revoked, as {@link SessionsApiTests} pins.
 */
class SameIdpSessionEndingTests extends GatewayTestSupport {

	/** {@code SESSION_MAX_PER_USER}'s default. */
	private static final int SESSIONS_PER_USER = 20;

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
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
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
	 * Each ending answers once its revocation was sent: none sent by then is none at all.
	 */
	private static void assertNotRevoked(String refreshToken) {
		TestIdp.instance()
			.server()
			.verify(0, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + refreshToken)));
	}

	private static String newUser() {
		return "auth0|same-idp-session-" + UUID.randomUUID();
	}

}
