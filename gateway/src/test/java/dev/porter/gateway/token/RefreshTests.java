package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

@Import(MovableGatewayClock.class)
@TestPropertySource(properties = "porter.logout.id-token-hint=true")
class RefreshTests extends GatewayTestSupport {

	private static final int PARALLEL = 8;

	@Autowired
	private MovableClock clock;

	@Autowired
	private MeterRegistry meters;

	@BeforeEach
	void clockAtRealTime() {
		this.clock.moveTo(Instant.now());
	}

	/** Past half the 30 s tokens' lifetime: due for a refresh, still valid. */
	private void dueForRefresh() {
		this.clock.moveTo(Instant.now().plusSeconds(16));
	}

	@Test
	void getMeWhenParallelRequestsShareExpiringTokenThenOneRefreshAndAllSucceed() throws Exception {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = browser().login("auth0|alice", 30);
		dueForRefresh();
		String refreshToken = browser.tokens().refreshToken();
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("grant_type=refresh_token"))
				.withRequestBody(containing("refresh_token=" + refreshToken))
				.willReturn(okJson(TestIdp.json(Map.of("access_token", "at-refreshed", "refresh_token", "rt-rotated",
						"token_type", "Bearer", "expires_in", 3600)))));
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(refreshToken);
		double coalescedBefore = coalescedRefreshes();

		CompletableFuture<List<Integer>> statuses = Flux.range(0, PARALLEL)
			.flatMap((i) -> Mono.fromFuture(TestClients.statusInBackground(webClient(browser).get().uri("/me"))),
					PARALLEL)
			.collectList()
			.toFuture();
		// The IdP answers only once every other request has joined the refresh in flight:
		// the requests overlap however slowly the machine runs them.
		refresh.awaitReached();
		Eventually.await("the other requests joining the refresh in flight", Duration.ofSeconds(10),
				() -> coalescedRefreshes() - coalescedBefore >= PARALLEL - 1);
		refresh.release();

		assertThat(statuses.get(20, TimeUnit.SECONDS)).hasSize(PARALLEL).containsOnly(200);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("grant_type=refresh_token")));
		PROFILE.verify(PARALLEL, getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer at-refreshed")));
	}

	private double coalescedRefreshes() {
		Counter coalesced = this.meters.find("porter.token.refreshes").tag("outcome", "coalesced").counter();
		return (coalesced != null) ? coalesced.count() : 0;
	}

	// RFC 6749 lets an IdP leave expires_in out; Spring Security then dates the token to
	// expire one second after issue, and every request a second later would refresh it.
	@Test
	void getMeWhenTheIdpStatedNoLifetimeThenTheTokenIsRelayedWithoutARefreshForMinutes() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = browser().login("auth0|alice", 0);
		this.clock.moveTo(Instant.now().plusSeconds(120));

		browser.get("/me").exchange().expectStatus().isOk();

		TestIdp.instance()
			.server()
			.verify(0, postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("grant_type=refresh_token")));
		PROFILE.verify(getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer " + browser.tokens().accessToken())));
	}

	@Test
	void getMeWhenRefreshRejectedWithInvalidGrantThenUnauthorizedAndSessionEnded() {
		Browser browser = browser().login("auth0|alice", 30);
		dueForRefresh();
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(aResponse().withStatus(400)
					.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
					.withBody(
							"{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}")));

		browser.expectLoginRequired("/me");

		browser.get("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);
		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
	}

	// Spring Security dates a token response on the system clock; a gateway clock an hour
	// ahead found the refreshed token already due, and every request refreshed again.
	@Test
	void getMeWhenTheGatewayClockIsAnHourAheadThenOneRefreshServesTheNextRequests() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		this.clock.moveTo(Instant.now().plus(Duration.ofHours(1)));
		Browser browser = browser().login("auth0|alice", 30);
		this.clock.advance(Duration.ofSeconds(16));
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("grant_type=refresh_token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(okJson(TestIdp.json(Map.of("access_token", "at-refreshed", "refresh_token", "rt-rotated",
						"token_type", "Bearer", "expires_in", 3600)))));

		browser.get("/me").exchange().expectStatus().isOk();
		browser.get("/me").exchange().expectStatus().isOk();

		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("grant_type=refresh_token")));
		PROFILE.verify(2, getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer at-refreshed")));
	}

	// Spring Authorization Server (dev-idp) replaces the ID token on refresh and then
	// answers invalid_token to the old one as id_token_hint: the IdP session lives on.
	@Test
	void logoutWhenARefreshRenewedTheIdTokenThenTheRenewedOneIsTheIdTokenHint() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = browser().login("auth0|alice", 30);
		dueForRefresh();
		String renewed = TestIdp.instance().idToken("auth0|alice", browser.tokens().sid());
		refreshAnswersIdToken(browser, renewed);

		browser.get("/me").exchange().expectStatus().isOk();

		assertThat(idTokenHintOfLogout(browser)).isEqualTo(renewed);
	}

	// A renewed ID token signed by the tenant's key but issued to another of its clients,
	// or by another issuer, fails its checks: the logout keeps the login's as its
	// id_token_hint, and the refresh stands (the IdP has rotated the refresh token).
	@Test
	void logoutWhenARefreshRenewedTheIdTokenForAnotherClientThenTheLoginsIdTokenIsTheHint() {
		assertRenewedIdTokenIgnored((claims) -> claims.audience("another-app-of-the-tenant"));
	}

	@Test
	void logoutWhenARefreshRenewedTheIdTokenFromAnotherIssuerThenTheLoginsIdTokenIsTheHint() {
		assertRenewedIdTokenIgnored((claims) -> claims.issuer("https://other-tenant.example/"));
	}

	private void assertRenewedIdTokenIgnored(Consumer<JWTClaimsSet.Builder> renewedClaims) {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = browser().login("auth0|alice", 30);
		dueForRefresh();
		refreshAnswersIdToken(browser,
				TestIdp.instance().idToken("auth0|alice", browser.tokens().sid(), renewedClaims));

		browser.get("/me").exchange().expectStatus().isOk();

		PROFILE.verify(1, getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer at-refreshed")));
		assertThat(idTokenHintOfLogout(browser)).isEqualTo(browser.tokens().idToken());
	}

	// OIDC Core 12.2: a renewed ID token MUST name the login's sub. The refresh's access
	// token was mallory's, and was relayed under alice's session: /bff/session showed
	// alice, /me answered mallory's profile.
	@Test
	void getMeWhenARefreshBroughtAnotherUsersIdTokenThenUnauthorizedSessionEndedAndItsRefreshTokenRevoked() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|mallory\"}")));
		Browser browser = browser().login("auth0|alice", 30);
		dueForRefresh();
		refreshAnswersIdToken(browser, TestIdp.instance().idToken("auth0|mallory", browser.tokens().sid()));

		browser.expectLoginRequired("/me");

		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
		TestIdp.instance().awaitRevocationOf("rt-rotated");
	}

	// The rotated token is revoked only when no session holds it (see below).
	@Test
	void getMeWhenRefreshedThenTheRotatedRefreshTokenIsKeptUnrevoked() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|erin\"}")));
		Browser browser = browser().login("auth0|erin-" + UUID.randomUUID(), 30);
		dueForRefresh();
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance().stubSlowRefresh(browser.tokens().refreshToken(), rotated, Duration.ZERO);

		browser.get("/me").exchange().expectStatus().isOk();

		TestIdp.instance().awaitRefreshWith(browser.tokens().refreshToken());
		TestIdp.instance().server().verify(0, postRequestedFor(urlPathEqualTo("/oauth/revoke")));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	// A session ended while its refresh was at the IdP: the ending revoked the refresh
	// token it read, which the IdP was rotating away, and the rotated one, which no
	// session holds, stayed valid at the IdP (in memory, the refresh even wrote it into
	// the ended session's object).
	@Test
	void logoutWhileARefreshIsAtTheIdpThenTheRotatedRefreshTokenIsRevoked() throws Exception {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|erin\"}")));
		Browser browser = browser().login("auth0|erin-" + UUID.randomUUID(), 30);
		dueForRefresh();
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance().stubSlowRefresh(browser.tokens().refreshToken(), rotated, Duration.ZERO);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(browser.tokens().refreshToken());
		CompletableFuture<Integer> me = TestClients.statusInBackground(webClient(browser).get().uri("/me"));
		refresh.awaitReached();

		browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", browser.xsrf())
			.exchange()
			.expectStatus()
			.isOk();
		refresh.release();

		TestIdp.instance().awaitRevocationOf(rotated);
		assertThat(me.get(20, TimeUnit.SECONDS)).as("the request that waited for the refresh").isEqualTo(401);
		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	// The other order: the logout read the refresh token and was revoking it at the IdP
	// when the refresh stored the rotated one into the session, not yet removed; the
	// logout then removed the session, rotated token and all, and revoked only the token
	// the IdP had rotated away.
	@Test
	void refreshStoredWhileTheLogoutRevokesThenTheRotatedRefreshTokenIsRevoked() throws Exception {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|erin\"}")));
		Browser browser = browser().login("auth0|erin-" + UUID.randomUUID(), 30);
		dueForRefresh();
		String refreshToken = browser.tokens().refreshToken();
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance().stubSlowRefresh(refreshToken, rotated, Duration.ZERO);
		TestIdp.instance().stubSlowRevocation(refreshToken, Duration.ZERO);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(refreshToken);
		HeldAnswer revocation = TestIdp.instance().holdRevocationOf(refreshToken);
		CompletableFuture<Integer> me = TestClients.statusInBackground(webClient(browser).get().uri("/me"));
		refresh.awaitReached();

		CompletableFuture<Void> logout = CompletableFuture.runAsync(() -> browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", browser.xsrf())
			.exchange()
			.expectStatus()
			.isOk());
		// The refresh's answer leaves only once the logout is revoking the token it read,
		// and the revocation's only once the refresh has ended.
		revocation.awaitReached();
		refresh.release();
		assertThat(me.get(20, TimeUnit.SECONDS)).as("the request that waited for the refresh").isEqualTo(401);
		revocation.release();
		logout.get(20, TimeUnit.SECONDS);

		TestIdp.instance().awaitRevocationOf(rotated);
		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	// The owner ends the phone's session from her laptop while a PATCH of the phone waits
	// for its refresh at the IdP: her 204 came first, and the PATCH was relayed after it
	// with the access token the refresh brought, which nobody holds any more.
	@Test
	void patchWhileARefreshIsAtTheIdpAndTheOwnerEndsTheSessionThenUnauthorizedAndNothingRelayed() throws Exception {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"theme\":\"dark\"}")));
		String sub = "auth0|erin-" + UUID.randomUUID();
		Browser laptop = browser().login(sub, 3600);
		Browser phone = browser().login(sub, 30);
		dueForRefresh();
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance().stubSlowRefresh(phone.tokens().refreshToken(), rotated, Duration.ZERO);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(phone.tokens().refreshToken());
		CompletableFuture<Integer> patch = patchInBackground(phone);
		refresh.awaitReached();

		endFromTheOtherDevice(laptop);
		refresh.release();

		assertThat(patch.get(20, TimeUnit.SECONDS)).as("the PATCH that waited for the refresh").isEqualTo(401);
		TestIdp.instance().awaitRevocationOf(rotated);
		PROFILE.verify(0, patchRequestedFor(urlPathEqualTo("/me/metadata")));
	}

	// The same, the refresh failing once the session ended: it stored a backoff into the
	// ended session (nothing written) and the PATCH was relayed with the old token.
	@Test
	void patchWhileARefreshIsAtTheIdpAndTheOwnerEndsTheSessionThenTheRefreshFailsThenUnauthorizedAndNothingRelayed()
			throws Exception {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"theme\":\"dark\"}")));
		String sub = "auth0|erin-" + UUID.randomUUID();
		Browser laptop = browser().login(sub, 3600);
		Browser phone = browser().login(sub, 30);
		dueForRefresh();
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + phone.tokens().refreshToken()))
				.willReturn(aResponse().withStatus(503)));
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(phone.tokens().refreshToken());
		CompletableFuture<Integer> patch = patchInBackground(phone);
		refresh.awaitReached();

		endFromTheOtherDevice(laptop);
		refresh.release();

		assertThat(patch.get(20, TimeUnit.SECONDS)).as("the PATCH that waited for the refresh").isEqualTo(401);
		PROFILE.verify(0, patchRequestedFor(urlPathEqualTo("/me/metadata")));
	}

	private CompletableFuture<Integer> patchInBackground(Browser browser) {
		String xsrf = browser.xsrf();
		return TestClients.statusInBackground(webClient(browser).patch()
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
		JsonNode sessions = browser.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("sessions");
		String other = null;
		for (JsonNode session : sessions) {
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

	private static void refreshAnswersIdToken(Browser browser, String idToken) {
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("grant_type=refresh_token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(okJson(TestIdp.json(Map.of("access_token", "at-refreshed", "refresh_token", "rt-rotated",
						"id_token", idToken, "token_type", "Bearer", "expires_in", 3600)))));
	}

	private static String idTokenHintOfLogout(Browser browser) {
		String xsrf = browser.xsrf();
		String redirect = browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", xsrf)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("redirect")
			.asString();
		return UriComponentsBuilder.fromUriString(redirect).build().getQueryParams().getFirst("id_token_hint");
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
