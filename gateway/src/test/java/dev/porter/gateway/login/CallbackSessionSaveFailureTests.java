package dev.porter.gateway.login;

import java.net.URI;
import java.util.UUID;

import dev.porter.gateway.session.SessionSaveHiccups;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write of the login's new session that follows the change of its id fails (in Redis
 * mode, a timeout or a failover's READONLY), after the id change stored the session and
 * the login was registered and recorded. Spring's session manager made that write as the
 * redirect was committed, outside the callback's failure handling: the browser got a 500
 * ("Error starting response"), and the session stayed stored, signed in with a refresh
 * token nobody revoked, and listed in {@code /bff/sessions}. It is a failed login like
 * any other store failure at the callback: nobody signed in, the refresh token revoked,
 * the session's records gone (best effort, the store having just failed).
 */
@Import(SessionSaveHiccups.class)
class CallbackSessionSaveFailureTests extends GatewayTestSupport {

	@Autowired
	private SessionSaveHiccups hiccups;

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void callbackWhenTheSessionWriteAfterTheIdChangeFailsThenLoginFailedAndNobodySignedIn() {
		this.hiccups.signedInSave.set(true);
		Browser browser = browser();

		URI landing = browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertThat(browser.sessionId()).as("session cookie").isNull();
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
	}

	// The session's removal fails too (the store that just failed): it stays stored under
	// an id nobody was given, and must not be listed as one of the user's devices.
	@Test
	void callbackWhenTheSessionWriteAndTheRemovalFailThenTheSessionIsNotListed() {
		String sub = "auth0|" + UUID.randomUUID();
		this.hiccups.signedInSave.set(true);
		this.hiccups.invalidate.set(true);
		Browser failed = browser();

		URI landing = failed.attemptLogin(sub, "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertThat(failed.sessionId()).as("session cookie").isNull();
		TestIdp.instance().awaitRevocationOf(failed.tokens().refreshToken());
		Browser other = browser().login(sub, 3600);
		other.get("/bff/sessions").exchange().expectBody().jsonPath("$.sessions.length()").isEqualTo(1);
	}

}
