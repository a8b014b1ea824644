package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser signs in again (through the IdP's single sign-on) while its session's
 * refresh is at the IdP: the new login ends that session, and the refresh, back, finds it
 * gone. The rotated refresh token it brought is held by nobody; revoked, as for a logout
 * during a refresh, unless the session went on in another of its IdP session (same
 * {@code sub} and {@code sid}): Keycloak keeps one client session per IdP session, which
 * the new login's token belongs to as well, and the revocation ended it — the new login
 * then failed its first refresh. Not when the IdP logged that IdP session out: it goes on
 * nowhere, even while the logout has not ended all of its sessions yet.
 */
@Import({ StoreHiccups.class, MovableGatewayClock.class })
class RefreshDuringLoginAgainTests extends GatewayTestSupport {

	@Autowired
	private MovableClock clock;

	@Autowired
	private StoreHiccups hiccups;

	@Autowired
	private TokenRefresher refresher;

	@BeforeEach
	void clockAtRealTime() {
		this.clock.moveTo(Instant.now());
	}

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void loginAgainInTheSameIdpSessionWhileARefreshIsAtTheIdpThenTheRotatedRefreshTokenIsNotRevoked() throws Exception {
		String sub = "auth0|again-" + UUID.randomUUID();
		String sid = "sid-" + UUID.randomUUID();
		String rotated = refreshHeldWhileSigningInAgain(sub, sid, sid);

		TestIdp.instance()
			.server()
			.verify(0,
					postRequestedFor(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing("token=" + rotated)));
	}

	@Test
	void loginAgainInAnotherIdpSessionWhileARefreshIsAtTheIdpThenTheRotatedRefreshTokenIsRevoked() throws Exception {
		String sub = "auth0|again-" + UUID.randomUUID();
		String rotated = refreshHeldWhileSigningInAgain(sub, "sid-" + UUID.randomUUID(), "sid-" + UUID.randomUUID());

		TestIdp.instance()
			.server()
			.verify(1,
					postRequestedFor(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing("token=" + rotated)));
	}

	/**
	 * A back-channel logout of the IdP session ends the refreshing session while its
	 * refresh is at the IdP, and is still ending another session of it (read, not removed
	 * yet) when the refresh comes back: that one does not go on, and the rotated token is
	 * held by nobody.
	 */
	@Test
	void backchannelLogoutWhileARefreshIsAtTheIdpAndAnotherSessionOfItsIdpSessionIsNotEndedYetThenTheRotatedRefreshTokenIsRevoked()
			throws Exception {
		String sub = "auth0|again-" + UUID.randomUUID();
		String sid = "sid-" + UUID.randomUUID();
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"" + sub + "\"}")));
		Browser browser = browser().login(sub, sid, 30);
		String refreshToken = browser.tokens().refreshToken();
		Browser otherTab = browser().login(sub, sid, 3600);
		StoreHiccups.Held otherTabEnding = new StoreHiccups.Held();
		this.hiccups.removalsHeld.put(SessionKey.of(otherTab.sessionId()), otherTabEnding);
		String rotated = rotatesTo(refreshToken);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(refreshToken);
		CompletableFuture<Integer> me = TestClients.statusInBackground(webClient(browser).get().uri("/me"));
		refresh.awaitReached();
		Mono<Void> refreshEnded = this.refresher.refreshesEnded();

		CompletableFuture<Void> logout;
		try {
			logout = CompletableFuture.runAsync(() -> this.client.post()
				.uri("/bff/backchannel-logout")
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData("logout_token",
						TestIdp.instance().logoutToken(Map.of("sid", sid, "sub", sub))))
				.exchange()
				.expectStatus()
				.isOk());
			otherTabEnding.reached().get(10, TimeUnit.SECONDS);
			// The refreshing session ended (its token is revoked once every session of
			// the logout is out of the store).
			Eventually.await("the refreshing session ended", Duration.ofSeconds(10),
					() -> !browser.get("/bff/session")
						.exchange()
						.expectBody(JsonNode.class)
						.returnResult()
						.getResponseBody()
						.get("authenticated")
						.asBoolean());
		}
		finally {
			refresh.release();
		}
		try {
			refreshEnded.block(Duration.ofSeconds(10));
			assertThat(me.get(10, TimeUnit.SECONDS)).as("the request that waited for the refresh").isEqualTo(401);
			PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
			TestIdp.instance()
				.server()
				.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
					.withRequestBody(containing("token=" + rotated)));
		}
		finally {
			otherTabEnding.released().complete(null);
		}
		logout.get(10, TimeUnit.SECONDS);

		otherTab.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance().awaitRevocationOf(refreshToken);
	}

	/**
	 * Stubs the IdP's answer to the refresh with {@code refreshToken}, once the clock is
	 * past half the 30 s token's lifetime (due for a refresh, still valid); answers the
	 * refresh token it rotates to.
	 */
	private String rotatesTo(String refreshToken) {
		this.clock.moveTo(Instant.now().plusSeconds(16));
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("refresh_token=" + refreshToken))
				.willReturn(okJson(TestIdp.json(Map.of("access_token", "at-" + rotated, "refresh_token", rotated,
						"token_type", "Bearer", "expires_in", 3600)))));
		return rotated;
	}

	/**
	 * Signs {@code sub} in within {@code sid}, then again within {@code againSid} while
	 * the first session's refresh is held at the IdP; answers the refresh token the IdP
	 * rotated to, once the refresh has ended.
	 */
	private String refreshHeldWhileSigningInAgain(String sub, String sid, String againSid) throws Exception {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"" + sub + "\"}")));
		Browser browser = browser().login(sub, sid, 30);
		String refreshToken = browser.tokens().refreshToken();
		String rotated = rotatesTo(refreshToken);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(refreshToken);
		CompletableFuture<Integer> me = TestClients.statusInBackground(webClient(browser).get().uri("/me"));
		refresh.awaitReached();
		Mono<Void> refreshEnded = this.refresher.refreshesEnded();

		browser.login(sub, againSid, 3600);
		refresh.release();

		refreshEnded.block(Duration.ofSeconds(10));
		me.get(10, TimeUnit.SECONDS);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		return rotated;
	}

	private WebClient webClient(Browser browser) {
		return WebClient.builder()
			.clientConnector(TestClients.connector())
			.baseUrl("http://localhost:" + this.port)
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.defaultCookies((cookies) -> browser.cookies().forEach(cookies::add))
			.build();
	}

}
