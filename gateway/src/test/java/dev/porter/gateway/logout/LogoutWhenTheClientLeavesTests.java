package dev.porter.gateway.logout;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LeavingClient;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestIdp;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * {@code POST /bff/logout} whose client stops waiting for the answer (the tab closed as
 * the user clicked "Sign out"): the logout runs to its end all the same. The session is
 * out of the store before the IdP is asked anything, and its refresh token, whose only
 * copy the removal took, is revoked. (The same configuration as
 * {@code devices.SessionEndingTests}, to share its application context.)
 */
@Import({ StoreHiccups.class, MovableGatewayClock.class })
class LogoutWhenTheClientLeavesTests extends GatewayTestSupport {

	@Autowired
	private StoreHiccups hiccups;

	@Autowired
	private MeterRegistry meters;

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void logoutWhenTheClientStopsWaitingBeforeTheRevocationThenTheRefreshTokenIsRevokedAnyway() throws Exception {
		Browser browser = browser().login("auth0|leaving-" + UUID.randomUUID(), 3600);
		StoreHiccups.Held forgetting = new StoreHiccups.Held();
		this.hiccups.unregistersHeld.put(SessionKey.of(browser.sessionId()), forgetting);
		String xsrf = browser.xsrf();
		LeavingClient client = LeavingClient.send(this.meters,
				browser.webClient(this.port).post().uri("/bff/logout").header("X-XSRF-TOKEN", xsrf));
		forgetting.reached().get(10, TimeUnit.SECONDS);

		client.leave();
		forgetting.released().complete(null);

		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

}
