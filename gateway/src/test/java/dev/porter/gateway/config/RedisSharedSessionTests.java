package dev.porter.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.LoginCallback;
import dev.porter.gateway.support.RedisMonitor;
import dev.porter.testsupport.Eventually;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import dev.porter.testsupport.HeldAnswer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances sharing one Redis (a real {@code redis-server} on a free port): a
 * session created on one is served by the other, parallel requests across both refresh
 * once, and a back-channel logout on either ends it.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class RedisSharedSessionTests {

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@BeforeEach
	void resetStubs() {
		instances.profile().resetAll();
		TestIdp.instance().server().resetRequests();
	}

	@Test
	void sessionWhenCreatedOnOneInstanceThenServedByTheOther() {
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 3600);
		client(instances.second()).get()
			.uri("/bff/session")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true)
			.jsonPath("$.user.sub")
			.isEqualTo("auth0|alice");
	}

	@AfterEach
	void clockBack() {
		instances.clock().reset();
	}

	@AfterEach
	void releaseHolds() {
		TestIdp.instance().releaseAllHolds();
	}

	// Spring Session's WebSession adapter dated each request's last access on the system
	// clock while the store judged the idle timeout on the gateway's: on a clock behind
	// the system's, a session never idled out.
	@Test
	void sessionWhenIdleForTheIdleTimeoutOnTheGatewaysClockThenEnded() {
		instances.clock().shift(Duration.ofDays(-1));
		LoginCallback login = loginWithIdTokenDatedAt(instances.clock().instant(), "auth0|ida");
		assertThat(login.landing()).isEqualTo(URI.create("/ok/path"));
		session(login).jsonPath("$.authenticated").isEqualTo(true);

		instances.clock().shift(Duration.ofMinutes(31));

		session(login).jsonPath("$.authenticated").isEqualTo(false);
	}

	/**
	 * A login on the first instance whose ID token the IdP dates at {@code now}: the
	 * gateway checks it on its clock, so an IdP that agrees with a gateway's clock set
	 * apart from the system's dates it on that clock.
	 */
	private static LoginCallback loginWithIdTokenDatedAt(Instant now, String sub) {
		return LoginCallback.run(client(instances.first()), "test-code",
				(nonce) -> TestIdp.instance()
					.stubCodeExchangeWithIdToken(nonce, sub, (claims) -> claims.issueTime(Date.from(now))
						.expirationTime(Date.from(now.plus(Duration.ofHours(1))))));
	}

	/** Requests, on both instances, that shared a refresh rather than starting one. */
	private static double coalescedRefreshes() {
		double joined = 0;
		for (ConfigurableApplicationContext instance : List.of(instances.first(), instances.second())) {
			Counter coalesced = instance.getBean(MeterRegistry.class)
				.find("porter.token.refreshes")
				.tag("outcome", "coalesced")
				.counter();
			joined += (coalesced != null) ? coalesced.count() : 0;
		}
		return joined;
	}

	private static WebTestClient.BodyContentSpec session(LoginCallback login) {
		return client(instances.first()).get()
			.uri("/bff/session")
			.cookies(login::sendCookies)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody();
	}

	@Test
	void getMeWhenParallelRequestsHitBothInstancesWithExpiringTokenThenOneRefresh() throws Exception {
		instances.profile().stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 30);
		// Past half the token's 30 s: due for a refresh, still valid.
		instances.clock().shift(Duration.ofSeconds(16));
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(okJson(TestIdp.json(Map.of("access_token", "at-cluster", "refresh_token", "rt-cluster",
						"token_type", "Bearer", "expires_in", 3600)))));
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(browser.tokens().refreshToken());
		double joinedBefore = coalescedRefreshes();

		CompletableFuture<List<Integer>> statuses = Flux.range(0, 8)
			.flatMap((i) -> Mono.fromFuture(TestClients.statusInBackground(
					webClient((i % 2 == 0) ? instances.first() : instances.second(), browser).get().uri("/me"))), 8)
			.collectList()
			.toFuture();
		// The IdP answers only once three requests on each instance have joined that
		// instance's refresh: both instances' refreshes have started, one at the IdP,
		// however slowly the machine runs them.
		refresh.awaitReached();
		Eventually.await("three requests on each instance joining its refresh", Duration.ofSeconds(10),
				() -> coalescedRefreshes() - joinedBefore >= 6);
		refresh.release();

		assertThat(statuses.get(30, TimeUnit.SECONDS)).hasSize(8).containsOnly(200);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("grant_type=refresh_token")));
	}

	/**
	 * An API that refuses every token (it expects another audience): the refusal of the
	 * login's token renews it once, and the renewed token's refusal, remembered in the
	 * session, is relayed on either instance without another refresh.
	 */
	@Test
	void getMeWhenTheApiRefusesEveryTokenThenOneRenewalAcrossBothInstances() throws Exception {
		instances.profile()
			.stubFor(get(urlPathEqualTo("/me")).willReturn(aResponse().withStatus(401)
				.withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
				.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
				.withBody("{\"title\":\"Unauthorized\",\"status\":401}")));
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 3600);
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(okJson(TestIdp.json(Map.of("access_token", "at-renewed-" + UUID.randomUUID(),
						"refresh_token", "rt-renewed", "token_type", "Bearer", "expires_in", 3600)))));
		Browser elsewhere = new Browser(client(instances.second()));
		elsewhere.cookies().putAll(browser.cookies());

		browser.get("/me").exchange().expectStatus().isUnauthorized();
		List<String> commands;
		try (RedisMonitor monitor = RedisMonitor.attach(instances.redis())) {
			elsewhere.get("/me").exchange().expectStatus().isUnauthorized();
			elsewhere.get("/me").exchange().expectStatus().isUnauthorized();
			browser.get("/me").exchange().expectStatus().isUnauthorized();
			commands = monitor.commands();
		}

		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("grant_type=refresh_token")));
		// The refusal of the renewed token stands without the session's refresh lock: it
		// cost each request a SET NX, a read of the session and the release's EVAL.
		assertThat(commands).as("commands on the refresh lock")
			.noneMatch((command) -> command.contains("refresh-lock"));
		elsewhere.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	/**
	 * A logout on the other instance while this one's refresh is at the IdP: the refresh
	 * finds the session gone and stores nothing, so the rotated refresh token, held by
	 * nobody, must not stay valid at the IdP.
	 */
	@Test
	void logoutOnOtherInstanceWhileARefreshIsAtTheIdpThenTheRotatedRefreshTokenIsRevoked() throws Exception {
		instances.profile().stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 30);
		instances.clock().shift(Duration.ofSeconds(16));
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance().stubSlowRefresh(browser.tokens().refreshToken(), rotated, Duration.ZERO);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(browser.tokens().refreshToken());
		CompletableFuture<Integer> me = TestClients
			.statusInBackground(webClient(instances.first(), browser).get().uri("/me"));
		refresh.awaitReached();

		Browser elsewhere = new Browser(client(instances.second()));
		elsewhere.cookies().putAll(browser.cookies());
		elsewhere.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", browser.xsrf())
			.exchange()
			.expectStatus()
			.isOk();
		refresh.release();

		TestIdp.instance().awaitRevocationOf(rotated);
		assertThat(me.get(30, TimeUnit.SECONDS)).as("the request that waited for the refresh").isEqualTo(401);
		instances.profile().verify(0, getRequestedFor(urlPathEqualTo("/me")));
	}

	/**
	 * A request that arrives just before its session's idle timeout and refreshes past
	 * it: the request keeps the session alive (it writes its use back at its answer), so
	 * the refresh's store must find it. Read as expired by the last access stored before
	 * the request, the refresh stored nothing and revoked the fresh token, and the
	 * request then saved the session back holding the used one, which the IdP refuses
	 * next time.
	 */
	@Test
	void refreshWhenTheIdleTimeoutPassesWhileTheRefreshIsAtTheIdpThenTheSessionKeepsTheRotatedToken() throws Exception {
		instances.profile().stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		// Due for a refresh 60 s before it expires, so from 29 min 30 s; the idle timeout
		// is 30 min.
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 1830);
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance().stubSlowRefresh(browser.tokens().refreshToken(), rotated, Duration.ZERO);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(browser.tokens().refreshToken());
		// 29 min 40 s after the login, plus the real time the request takes to arrive:
		// due, and still within the idle timeout unless that took 20 s.
		instances.clock().shift(Duration.ofMinutes(30).minusSeconds(20));
		CompletableFuture<Integer> me = TestClients
			.statusInBackground(webClient(instances.first(), browser).get().uri("/me"));
		refresh.awaitReached();

		// Now past the idle timeout counted from the login (30 min 5 s and more), while
		// the IdP holds its answer.
		instances.clock().shift(Duration.ofSeconds(25));
		refresh.release();

		assertThat(me.join()).isEqualTo(200);
		TestIdp.instance()
			.server()
			.verify(0,
					postRequestedFor(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing("token=" + rotated)));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	/**
	 * An Auth0 Action's MFA demand on refresh ends the session, whose refresh token is
	 * still valid at the IdP. Redis deletes the session only after the gateway stopped
	 * waiting: the token, gone with the session, must be revoked all the same.
	 */
	@Test
	void refreshRefusedWhenTheSessionDeleteAnswersTooLateThenItsRefreshTokenIsRevoked() throws Exception {
		instances.profile().stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 30);
		instances.clock().shift(Duration.ofSeconds(16));
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(aResponse().withStatus(403)
					.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
					.withBody("{\"error\":\"mfa_required\",\"error_description\":\"Multifactor required\"}")));
		HeldAnswer refusal = TestIdp.instance().holdRefreshWith(browser.tokens().refreshToken());
		CompletableFuture<Integer> me = TestClients
			.statusInBackground(webClient(instances.first(), browser).get().uri("/me"));
		refusal.awaitReached();
		// Writes wait in Redis far beyond REDIS_TIMEOUT, then are carried out.
		instances.redisCli("CLIENT", "PAUSE", "10000", "WRITE");
		refusal.release();
		try {
			me.join();
		}
		finally {
			instances.redisCli("CLIENT", "UNPAUSE");
		}

		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
		Browser elsewhere = new Browser(client(instances.second()));
		elsewhere.cookies().putAll(browser.cookies());
		elsewhere.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	/**
	 * The other order: the logout on the other instance read the refresh token and was
	 * revoking it when this instance's refresh stored the rotated one into the session,
	 * not yet removed. The rotated token must go with the session it was removed with.
	 */
	@Test
	void refreshStoredWhileTheLogoutOnOtherInstanceRevokesThenTheRotatedRefreshTokenIsRevoked() throws Exception {
		instances.profile().stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 30);
		instances.clock().shift(Duration.ofSeconds(16));
		String refreshToken = browser.tokens().refreshToken();
		String rotated = "rt-rotated-" + UUID.randomUUID();
		TestIdp.instance().stubSlowRefresh(refreshToken, rotated, Duration.ZERO);
		TestIdp.instance().stubSlowRevocation(refreshToken, Duration.ZERO);
		HeldAnswer refresh = TestIdp.instance().holdRefreshWith(refreshToken);
		HeldAnswer revocation = TestIdp.instance().holdRevocationOf(refreshToken);
		CompletableFuture<Integer> me = TestClients
			.statusInBackground(webClient(instances.first(), browser).get().uri("/me"));
		refresh.awaitReached();

		Browser elsewhere = new Browser(client(instances.second()));
		elsewhere.cookies().putAll(browser.cookies());
		CompletableFuture<Void> logout = CompletableFuture
			.runAsync(() -> elsewhere.method(HttpMethod.POST, "/bff/logout")
				.header("X-XSRF-TOKEN", browser.xsrf())
				.exchange()
				.expectStatus()
				.isOk());
		// The refresh's answer leaves only once the logout is revoking the token it read,
		// and the revocation's only once the refresh has ended.
		revocation.awaitReached();
		refresh.release();
		me.get(20, TimeUnit.SECONDS);
		revocation.release();
		logout.get(20, TimeUnit.SECONDS);

		TestIdp.instance().awaitRevocationOf(rotated);
	}

	@Test
	void backchannelLogoutWhenReceivedByOtherInstanceThenSessionEndedOnceRedisAnnouncesItThoughThisInstanceKeptIt() {
		instances.profile().stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 3600);
		// The first instance keeps the stored session (session.SessionNearCache): the
		// logout through the other one must end it here as soon as Redis announces the
		// deletion — within a round trip, far within the cache's own bound.
		instances.awaitKept("the session kept by the first instance",
				() -> client(instances.first()).get()
					.uri("/bff/session")
					.cookies((jar) -> browser.cookies().forEach(jar::add))
					.exchange()
					.expectStatus()
					.isOk());
		client(instances.first()).get()
			.uri("/me")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectStatus()
			.isOk();
		client(instances.second()).post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token",
					TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid()))))
			.exchange()
			.expectStatus()
			.isOk();
		Eventually.await("the session ended on the first instance", Duration.ofSeconds(2),
				() -> client(instances.first()).get()
					.uri("/bff/session")
					.cookies((jar) -> browser.cookies().forEach(jar::add))
					.exchange()
					.expectBody(String.class)
					.returnResult()
					.getResponseBody()
					.contains("\"authenticated\":false"));
		client(instances.first()).get()
			.uri("/me")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		instances.profile().verify(1, getRequestedFor(urlPathEqualTo("/me")));
	}

	/**
	 * Ten requests in a row served from the near cache: one pass of them without a
	 * {@code GET} proves it. The instance trusts what it keeps only while its tracking
	 * connection answered a ping within the last three heartbeats (0.75 s of real time),
	 * which a stall of the machine may end for a moment: that pass reads the session once
	 * from Redis, and the next one is made.
	 */
	@Test
	void requestsWhenThisInstanceReadTheSessionAMomentAgoThenServedWithoutReadingItFromRedis() {
		instances.profile().stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 3600);

		instances.awaitKept("ten requests in a row served without reading the session from Redis", () -> {
			for (int i = 0; i < 10; i++) {
				me(browser);
			}
		});
	}

	private static void me(Browser browser) {
		client(instances.first()).get()
			.uri("/me")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectStatus()
			.isOk();
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(context));
	}

	private static WebClient webClient(ConfigurableApplicationContext context, Browser browser) {
		return WebClient.builder()
			.clientConnector(TestClients.connector())
			.baseUrl("http://localhost:" + TwoGatewaysOnRedis.port(context))
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.defaultCookies((cookies) -> browser.cookies().forEach(cookies::add))
			.build();
	}

}
