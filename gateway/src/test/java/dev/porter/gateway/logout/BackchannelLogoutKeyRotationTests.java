package dev.porter.gateway.logout;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.VirtualGatewayTimers;
import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Back-channel logouts while the IdP rotates its signing keys and an attacker posts
 * tokens with made-up kids to keep the JWKS fetch throttled. The gateway's waits for a
 * fetch run on virtual time ({@link VirtualGatewayTimers}), which each post moves on
 * until it is answered. The gateway's clock stands still ({@link MovableGatewayClock}):
 * every token comes within the interval of the last fetch, however slowly the test runs.
 */
@Import({ VirtualGatewayTimers.class, MovableGatewayClock.class })
class BackchannelLogoutKeyRotationTests extends GatewayTestSupport {

	@Autowired
	private VirtualTimeScheduler timers;

	@Autowired
	private MovableClock clock;

	@Autowired
	private MeterRegistry meters;

	private BackchannelDeliveries deliveries;

	@BeforeEach
	void clockAtNow() {
		this.clock.moveTo(Instant.now());
		this.deliveries = new BackchannelDeliveries(this.port, this.timers, this.meters);
	}

	/**
	 * The user's logout the IdP sends once: a 400 ("no such key") would leave their
	 * session alive until its absolute lifetime, the IdP never sending it again.
	 */
	@Test
	void backchannelLogoutWhenIdpRotatedJustAfterAMadeUpKidsFetchThenTokenOnTheNewKeyEndsSession() throws Exception {
		String sub = "auth0|rotation-" + UUID.randomUUID();
		Browser browser = browser().login(sub, 3600);
		TestIdp.instance().server().resetRequests();
		assertThat(this.deliveries.post(TestIdp.instance().logoutTokenWithUnknownKid(Map.of("sub", sub))))
			.isEqualTo(400);
		RSAKey rotated = TestIdp.instance().newKey();
		TestIdp.instance().publish(rotated);

		int status = this.deliveries
			.post(TestIdp.instance().logoutTokenSignedWith(rotated, Map.of("sid", browser.tokens().sid())));

		assertThat(status).isEqualTo(200);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		assertThat(TestIdp.instance()
			.server()
			.countRequestsMatching(getRequestedFor(urlPathEqualTo("/.well-known/jwks.json")).build())
			.getCount()).isEqualTo(2);
	}

	/**
	 * The IdP stops waiting for the answer (dev-idp after 3 s) to a token still waiting
	 * for the next fetch of the keys, and never sends it again: the gateway verifies it
	 * and ends its session all the same.
	 */
	@Test
	void backchannelLogoutWhenTheIdpStopsWaitingWhileTheTokenWaitsForTheNextFetchThenSessionStillEnds()
			throws Exception {
		Browser browser = browser().login("auth0|gone-" + UUID.randomUUID(), 3600);
		assertThat(this.deliveries.post(TestIdp.instance().logoutTokenWithUnknownKid(Map.of("sub", "auth0|anyone"))))
			.isEqualTo(400);
		RSAKey rotated = TestIdp.instance().newKey();
		TestIdp.instance().publish(rotated);
		long waitsBefore = this.timers.getScheduledTaskCount();
		long abandonedBefore = this.deliveries.abandoned();

		Disposable delivery = this.deliveries
			.send(TestIdp.instance().logoutTokenSignedWith(rotated, Map.of("sid", browser.tokens().sid())))
			.subscribe();
		Eventually.await("the token waiting for the next fetch", Duration.ofSeconds(10),
				() -> this.timers.getScheduledTaskCount() > waitsBefore);
		delivery.dispose();
		Eventually.await("the gateway seeing the IdP stop waiting", Duration.ofSeconds(10),
				() -> this.deliveries.abandoned() > abandonedBefore);
		this.timers.advanceTimeBy(BackchannelDeliveries.PAST_ANY_WAIT);

		Eventually.await("the session ended", Duration.ofSeconds(10),
				() -> Boolean.FALSE.equals(browser.get("/bff/session")
					.exchange()
					.expectBody(JsonNode.class)
					.returnResult()
					.getResponseBody()
					.get("authenticated")
					.asBoolean()));
	}

}
