package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.VirtualGatewayTimers;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request whose refresh outlasts {@code TOKEN_REFRESH_WAIT} stops waiting for it and is
 * relayed with the session's token while that is still valid: not once the session ended
 * meanwhile. The owner ended it from another device (her {@code 204} came first): a
 * change the request carries must not be applied. The request's wait runs on virtual time
 * ({@link VirtualGatewayTimers}), and ends when the test moves it on; the gateway's clock
 * stands still unless the test moves it.
 */
@Import({ VirtualGatewayTimers.class, MovableGatewayClock.class })
class RefreshPastTheWaitTests extends GatewayTestSupport {

	/** Past the default {@code TOKEN_REFRESH_WAIT} of 10 s. */
	private static final Duration PAST_THE_WAIT = Duration.ofSeconds(11);

	@Autowired
	private VirtualTimeScheduler timers;

	@Autowired
	private MovableClock clock;

	@BeforeEach
	void clockAtRealTime() {
		this.clock.moveTo(Instant.now());
	}

	@Test
	void patchWhenItsRefreshOutlastsTheWaitAndTheOwnerEndedTheSessionMeanwhileThenUnauthorizedAndNothingRelayed()
			throws Exception {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"theme\":\"dark\"}")));
		String sub = "auth0|erin-" + UUID.randomUUID();
		Browser laptop = browser().login(sub, 3600);
		Browser phone = browser().login(sub, 30);
		// Past half the phone's 30 s token: due for a refresh, still valid.
		this.clock.moveTo(Instant.now().plusSeconds(16));
		TestIdp.instance()
			.stubSlowRefresh(phone.tokens().refreshToken(), "rt-rotated-" + UUID.randomUUID(), Duration.ZERO);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(phone.tokens().refreshToken());
		try {
			CompletableFuture<Integer> patch = patchInBackground(phone);
			refresh.awaitReached();

			endFromTheOtherDevice(laptop);
			this.timers.advanceTimeBy(PAST_THE_WAIT);

			assertThat(patch.get(20, TimeUnit.SECONDS)).as("the PATCH that stopped waiting for its refresh")
				.isEqualTo(401);
			PROFILE.verify(0, patchRequestedFor(urlPathEqualTo("/me/metadata")));
		}
		finally {
			refresh.release();
		}
	}

	/**
	 * The wait alone, the session going on: the request is relayed with the token the
	 * session holds, still valid, as before.
	 */
	@Test
	void patchWhenItsRefreshOutlastsTheWaitThenRelayedWithTheStillValidToken() throws Exception {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"theme\":\"dark\"}")));
		Browser phone = browser().login("auth0|erin-" + UUID.randomUUID(), 30);
		this.clock.moveTo(Instant.now().plusSeconds(16));
		TestIdp.instance()
			.stubSlowRefresh(phone.tokens().refreshToken(), "rt-rotated-" + UUID.randomUUID(), Duration.ZERO);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(phone.tokens().refreshToken());
		try {
			CompletableFuture<Integer> patch = patchInBackground(phone);
			refresh.awaitReached();

			this.timers.advanceTimeBy(PAST_THE_WAIT);

			assertThat(patch.get(20, TimeUnit.SECONDS)).isEqualTo(200);
			PROFILE.verify(1, patchRequestedFor(urlPathEqualTo("/me/metadata")));
		}
		finally {
			refresh.release();
		}
	}

	private CompletableFuture<Integer> patchInBackground(Browser browser) {
		String xsrf = browser.xsrf();
		return TestClients.statusInBackground(WebClient.builder()
			.clientConnector(TestClients.connector())
			.baseUrl("http://localhost:" + this.port)
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.defaultCookies((cookies) -> browser.cookies().forEach(cookies::add))
			.build()
			.patch()
			.uri("/me/metadata")
			.header("X-XSRF-TOKEN", xsrf)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"theme\":\"dark\"}"));
	}

	/**
	 * {@code DELETE /bff/sessions/{id}} of the user's other session, from
	 * {@code browser}.
	 */
	private static void endFromTheOtherDevice(Browser browser) {
		String other = null;
		for (JsonNode session : browser.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("sessions")) {
			if (!session.get("current").asBoolean()) {
				other = session.get("id").asString();
			}
		}
		String xsrf = browser.xsrf();
		browser.method(HttpMethod.DELETE, "/bff/sessions/" + other)
			.header("X-XSRF-TOKEN", xsrf)
			.exchange()
			.expectStatus()
			.isNoContent();
	}

}
