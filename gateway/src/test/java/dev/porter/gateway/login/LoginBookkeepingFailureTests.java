package dev.porter.gateway.login;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LeavingClient;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

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

	/** {@code SESSION_MAX_PER_USER}'s default. */
	private static final int SESSIONS_PER_USER = 20;

	@Autowired
	private StoreHiccups hiccups;

	@Autowired
	private MeterRegistry meters;

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

	/**
	 * The browser went away once its session was stored (Spring Security stores it as it
	 * changes its id), before the session was registered: it stayed stored, signed in,
	 * unknown to back-channel logout and to {@code /bff/sessions}. The callback now runs
	 * to its end: the session is registered and listed, and can be ended.
	 */
	@Test
	void callbackWhenTheBrowserLeavesBeforeTheSessionIsRegisteredThenItIsRegisteredAndListedAnyway() throws Exception {
		String sub = "auth0|" + UUID.randomUUID();
		StoreHiccups.Held registering = new StoreHiccups.Held();
		this.hiccups.registersHeld.put(sub, registering);
		LeavingClient client = LeavingClient.send(this.meters,
				browser().loginCallback(this.port, sub, "sid-" + UUID.randomUUID(), 3600));
		registering.reached().get(10, TimeUnit.SECONDS);

		client.leave();
		registering.released().complete(null);

		Browser other = browser().login(sub, 3600);
		Eventually.await("the session of the login left listed", Duration.ofSeconds(10),
				() -> sessionsListed(other) == 2);
	}

	/**
	 * A login past {@code SESSION_MAX_PER_USER} ends the least recently used session; the
	 * browser went away once that session was out of the store, before its refresh token
	 * was revoked.
	 */
	@Test
	void callbackPastTheLimitWhenTheBrowserLeavesBeforeTheEndedSessionsRevocationThenItsTokenIsRevokedAnyway()
			throws Exception {
		String sub = "auth0|" + UUID.randomUUID();
		List<Browser> devices = new ArrayList<>();
		for (int i = 0; i < SESSIONS_PER_USER; i++) {
			devices.add(browser().login(sub, 3600));
		}
		Browser leastRecentlyUsed = devices.get(0);
		StoreHiccups.Held forgetting = new StoreHiccups.Held();
		this.hiccups.unregistersHeld.put(SessionKey.of(leastRecentlyUsed.sessionId()), forgetting);
		LeavingClient client = LeavingClient.send(this.meters,
				browser().loginCallback(this.port, sub, "sid-" + UUID.randomUUID(), 3600));
		forgetting.reached().get(10, TimeUnit.SECONDS);

		client.leave();
		forgetting.released().complete(null);

		TestIdp.instance().awaitRevocationOf(leastRecentlyUsed.tokens().refreshToken());
		leastRecentlyUsed.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	private static int sessionsListed(Browser browser) {
		return browser.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("sessions")
			.size();
	}

}
