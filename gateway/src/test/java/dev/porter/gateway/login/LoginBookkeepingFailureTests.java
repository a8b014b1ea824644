package dev.porter.gateway.login;

import java.net.URI;
import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store hiccup while the login callback records the new session (its back-channel
 * registration or its directory entry, as in Redis mode on a timeout) fails the login and
 * leaves nobody signed in: no session that logout and {@code /bff/sessions} would not
 * know of.
 */
@Import(StoreHiccups.class)
class LoginBookkeepingFailureTests extends GatewayTestSupport {

	@Autowired
	private StoreHiccups hiccups;

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void callbackWhenDirectoryFailsThenLoginFailedAndNobodySignedIn() {
		this.hiccups.record.set(true);
		Browser browser = browser();

		URI landing = browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	@Test
	void callbackWhenRegistryFailsThenLoginFailedAndNobodySignedIn() {
		this.hiccups.register.set(true);
		Browser browser = browser();

		URI landing = browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	// The login's session ended, but the refresh token its code exchange had just got
	// stayed valid at the IdP, held by nobody.
	@Test
	void callbackWhenDirectoryFailsThenTheLoginsRefreshTokenIsRevoked() {
		this.hiccups.record.set(true);
		Browser browser = browser();

		browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600);

		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
	}

	@Test
	void callbackWhenRegistryFailsThenTheLoginsRefreshTokenIsRevoked() {
		this.hiccups.register.set(true);
		Browser browser = browser();

		browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600);

		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
	}

	@Test
	void callbackWhenSignedInBrowserLogsInAgainAndDirectoryFailsThenItsFirstSessionStaysSignedIn() {
		String sub = "auth0|" + UUID.randomUUID();
		Browser browser = browser().login(sub, 3600);
		String kept = browser.tokens().refreshToken();
		this.hiccups.record.set(true);

		URI landing = browser.attemptLogin(sub, "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
		TestIdp.instance()
			.server()
			.verify(0, postRequestedFor(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing("token=" + kept)));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		browser.get("/bff/sessions").exchange().expectBody().jsonPath("$.sessions.length()").isEqualTo(1);
	}

}
