package dev.porter.gateway.session;

import java.time.Instant;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session past its absolute lifetime, in use all along: the gateway ends it at its next
 * request, as it ends a session anywhere else, its refresh token revoked at the IdP (its
 * only copy goes with the session) and its entries in the registry forgotten.
 */
@Import(MovableGatewayClock.class)
@TestPropertySource(properties = { "porter.session.absolute-lifetime=1h", "porter.session.idle-timeout=2h" })
class SessionAbsoluteLifetimeTests extends GatewayTestSupport {

	@Autowired
	private MovableClock clock;

	@Autowired
	private SessionRegistry registry;

	@BeforeEach
	void clockAtRealTime() {
		this.clock.moveTo(Instant.now());
	}

	@Test
	void requestWhenAbsoluteLifetimePassedThenSignedOutAndItsRefreshTokenRevoked() {
		Browser browser = browser().login("auth0|lifetime-" + this.clock.instant().toEpochMilli(), 7200);
		String sid = browser.tokens().sid();
		assertThat(this.registry.findBySid(sid).block()).isNotEmpty();

		this.clock.moveTo(Instant.now().plusSeconds(3601));

		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
		assertThat(this.registry.findBySid(sid).block()).isEmpty();
	}

}
