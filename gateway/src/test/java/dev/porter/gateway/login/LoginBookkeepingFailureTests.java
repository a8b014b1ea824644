package dev.porter.gateway.login;

import java.net.URI;
import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.StoreHiccups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

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

	@Test
	void callbackWhenSignedInBrowserLogsInAgainAndDirectoryFailsThenItsFirstSessionStaysSignedIn() {
		String sub = "auth0|" + UUID.randomUUID();
		Browser browser = browser().login(sub, 3600);
		this.hiccups.record.set(true);

		URI landing = browser.attemptLogin(sub, "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		browser.get("/bff/sessions").exchange().expectBody().jsonPath("$.sessions.length()").isEqualTo(1);
	}

}
