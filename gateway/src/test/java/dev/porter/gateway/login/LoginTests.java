package dev.porter.gateway.login;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.PendingLogin;
import dev.porter.gateway.support.LoginCallback;
import dev.porter.gateway.support.LoginStarter;
import dev.porter.gateway.support.RelayWaitsForHeldAnswers;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient.BodyContentSpec;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

@RelayWaitsForHeldAnswers
class LoginTests extends GatewayTestSupport {

	/**
	 * How long a trickling IdP takes to send its whole answer: far past the IdP client's
	 * response timeout ({@code IDP_RESPONSE_TIMEOUT}), within the test client's.
	 */
	private static final Duration TRICKLED_OVER = Duration.ofSeconds(20);

	@Test
	void getMeWhenXhrWithoutSessionThenUnauthorizedProblemNotRedirect() {
		this.client.get()
			.uri("/me")
			.header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.header("X-Requested-With", "XMLHttpRequest")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Login required")
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login")
			.jsonPath("$.type")
			.isNotEmpty();
	}

	@Test
	void getMeWhenBrowserNavigationWithoutSessionThenRedirectsToLogin() {
		this.client.get()
			.uri("/me?tab=1")
			.header(HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
			.header("Sec-Fetch-Mode", "navigate")
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.location("/bff/login?returnTo=%2Fme%3Ftab%3D1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "//evil.example", "https://evil.example", "/\\evil", "/ok\tpath", "evil" })
	void loginWhenReturnToIsNotLocalPathThenBadRequestProblem(String returnTo) {
		this.client.get()
			.uri((uri) -> uri.path("/bff/login").queryParam("returnTo", "{r}").build(returnTo))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(400);
	}

	/**
	 * A person who clicked a link with a bad {@code returnTo} (an old bookmark, a mangled
	 * link) got the raw JSON problem as a page. The user's own navigation lands on
	 * {@code /?login=failed}, the only place the refusal ever sends a browser: the
	 * requested target is followed nowhere. A script, a navigation a script started, and
	 * curl keep the 400 problem naming the field.
	 */
	@ParameterizedTest
	@EnumSource(LoginStarter.class)
	void loginWhenReturnToIsNotLocalPathThenTheUsersNavigationLandsOnLoginFailedAndOthersGetTheProblem(
			LoginStarter starter) {
		for (String returnTo : List.of("//evil.example", "https://evil.example/?login=failed", "/\\evil")) {
			EntityExchangeResult<byte[]> answer = this.client.get()
				.uri((uri) -> uri.path("/bff/login").queryParam("returnTo", "{r}").build(returnTo))
				.headers(starter.headers())
				.exchange()
				.expectBody()
				.returnResult();

			starter.assertRefused(answer, "/?login=failed", 400, null, "/problems/invalid-return-to", "returnTo");
		}
	}

	@Test
	void loginWhenReturnToIsLocalPathThenRedirectsToIdpWithPkceNonceAndAudience() {
		URI location = this.client.get()
			.uri("/bff/login?returnTo=/ok/path")
			.exchange()
			.expectStatus()
			.isFound()
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getLocation();
		assertThat(location.toString()).startsWith(TestIdp.instance().issuer() + "authorize?");
		MultiValueMap<String, String> query = UriComponentsBuilder.fromUri(location).build().getQueryParams();
		assertThat(query.getFirst("response_type")).isEqualTo("code");
		assertThat(query.getFirst("client_id")).isEqualTo(TestIdp.CLIENT_ID);
		assertThat(query.getFirst("code_challenge_method")).isEqualTo("S256");
		assertThat(query.getFirst("code_challenge")).isNotBlank();
		assertThat(query.getFirst("nonce")).isNotBlank();
		assertThat(query.getFirst("state")).isNotBlank();
		assertThat(query.getFirst("audience")).isEqualTo("https://porter.example/api");
		assertThat(query.getFirst("scope")).contains("openid", "offline_access");
	}

	/**
	 * A link on another site starts the login, and the IdP sends the browser back: both
	 * cross-site top-level navigations, which the check on another site's requests lets
	 * through.
	 */
	@Test
	void loginWhenStartedAndReturnedAsCrossSiteNavigationsThenSignedIn() {
		Browser browser = new Browser(this.client.mutate()
			.defaultHeader("Sec-Fetch-Site", "cross-site")
			.defaultHeader("Sec-Fetch-Mode", "navigate")
			.defaultHeader("Sec-Fetch-Dest", "document")
			.build());

		browser.login("auth0|alice", 3600);

		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	@Test
	void callbackWhenBrowserCarriesAPlantedSessionIdThenSessionIdRotatedAndReturnsToSavedPath() {
		Browser browser = browser();
		browser.cookies().put(Browser.SESSION_COOKIE, "id-planted-by-an-attacker");
		browser.login("auth0|alice", 3600);
		assertThat(browser.sessionId()).isNotBlank().isNotEqualTo("id-planted-by-an-attacker");
	}

	@Test
	void callbackWhenAlreadySignedInThenSessionIdRotated() {
		Browser browser = browser().login("auth0|alice", 3600);
		String first = browser.sessionId();
		browser.login("auth0|alice", 3600);
		assertThat(browser.sessionId()).isNotBlank().isNotEqualTo(first);
	}

	@Test
	void callbackWhenBrowserCarriesAttackersRealSessionIdThenVictimsLoginIsNotReachableThroughIt() {
		// Anonymous visitors hold no session, so the id an attacker can plant is one of a
		// real (their own) signed-in session.
		String planted = browser().login("auth0|mallory", 3600).sessionId();
		Browser victim = browser();
		victim.cookies().put(Browser.SESSION_COOKIE, planted);

		victim.login("auth0|alice", 3600);

		assertThat(victim.sessionId()).isNotBlank().isNotEqualTo(planted);
		assertSignedOut(planted);
	}

	/**
	 * In memory, every request of a session holds the one session object a login would
	 * rotate: the attacker's request on the planted session, still on its way when the
	 * victim's login completes, must not answer with the victim's new session id.
	 */
	@Test
	void callbackWhenARequestOnThePlantedSessionIsInFlightThenItsAnswerCarriesNoneOfTheVictimsSession()
			throws Exception {
		Browser mallory = browser().login("auth0|mallory", 3600);
		String planted = mallory.sessionId();
		Browser victim = browser();
		victim.cookies().put(Browser.SESSION_COOKIE, planted);

		EntityExchangeResult<byte[]> answer = answerHeldThrough(mallory, () -> victim.login("auth0|alice", 3600));

		assertThat(answer.getResponseCookies().getOrDefault(Browser.SESSION_COOKIE, List.of()))
			.extracting(ResponseCookie::getValue)
			.doesNotContain(victim.sessionId());
		assertSignedOut(planted);
	}

	/**
	 * Signing in again in one tab while another tab's request on the earlier session is
	 * on its way: the login ends that session, and the request's answer must not take
	 * away the cookie that now names the new one.
	 */
	@Test
	void callbackWhenARequestOfTheBrowsersEarlierSessionIsInFlightThenItsAnswerLeavesTheNewSessionsCookie()
			throws Exception {
		Browser browser = browser().login("auth0|alice", 3600);
		String earlier = browser.sessionId();

		EntityExchangeResult<byte[]> answer = answerHeldThrough(browser, () -> browser.login("auth0|alice", 3600));

		assertThat(answer.getResponseCookies().getOrDefault(Browser.SESSION_COOKIE, List.of()))
			.as("the session cookie set by the earlier session's answer")
			.noneMatch((cookie) -> cookie.getMaxAge().isZero());
		assertSignedOut(earlier);
	}

	/**
	 * A request of the browser's earlier session sent just before the browser took the
	 * new login's cookie, arriving once the login has ended that session: Spring expires
	 * the cookie of a session it does not find, and the browser, applying that answer
	 * after the login's, would lose the new session's cookie and be signed out again.
	 */
	@Test
	void callbackWhenARequestOfTheEarlierSessionArrivesAfterItThenItsAnswerLeavesTheNewSessionsCookie() {
		Browser browser = browser().login("auth0|alice", 3600);
		String earlier = browser.sessionId();
		browser.login("auth0|alice", 3600);
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{}")));

		EntityExchangeResult<byte[]> late = this.client.get()
			.uri("/me")
			.header(HttpHeaders.ACCEPT, "application/json")
			.cookie(Browser.SESSION_COOKIE, earlier)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.returnResult();

		assertThat(late.getResponseCookies().values()).flatExtracting((cookies) -> cookies)
			.as("cookies the late answer sets or expires")
			.isEmpty();
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	/**
	 * A signed-in browser whose new login fails (the user cancelled at the IdP) stays as
	 * it was: its session, and the CSRF cookie the page echoes, which the callback's own
	 * new session, never started, has no token for.
	 */
	@Test
	void callbackWhenASignedInBrowsersNewLoginFailsThenItsSessionAndCsrfCookieStay() {
		Browser alice = browser().login("auth0|alice", 3600);
		alice.xsrf();

		EntityExchangeResult<byte[]> failed = alice.get("/login/oauth2/code/auth0?error=access_denied&state=s")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(failed.getResponseHeaders().getLocation()).isEqualTo(URI.create("/?login=failed"));
		assertThat(failed.getResponseCookies().values()).flatExtracting((cookies) -> cookies)
			.as("cookies expired by the failed callback")
			.noneMatch((cookie) -> cookie.getMaxAge().isZero());
		alice.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	/**
	 * Another site (or a stale tab) sends the browser to the callback with a state of its
	 * choosing while a login is pending: that callback fails, and the real one still
	 * completes the login.
	 */
	@Test
	void callbackWhenStateIsNotThePendingLoginsThenPendingLoginSurvivesForTheRealCallback() {
		EntityExchangeResult<byte[]> start = this.client.get()
			.uri("/bff/login?returnTo=/ok/path")
			.exchange()
			.expectBody()
			.returnResult();
		Map<String, String> jar = new java.util.LinkedHashMap<>();
		keep(jar, start.getResponseCookies());
		MultiValueMap<String, String> authorize = UriComponentsBuilder.fromUri(start.getResponseHeaders().getLocation())
			.build()
			.getQueryParams();
		TestIdp.instance().stubCodeExchange(authorize.getFirst("nonce"), "auth0|alice", "sid-stale", 3600);

		EntityExchangeResult<byte[]> forged = this.client.get()
			.uri("/login/oauth2/code/auth0?code=forged-code&state=not-the-pending-state")
			.cookies((cookies) -> jar.forEach(cookies::add))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(forged.getResponseHeaders().getLocation()).isEqualTo(URI.create("/?login=failed"));
		keep(jar, forged.getResponseCookies());

		EntityExchangeResult<byte[]> real = this.client.get()
			.uri("/login/oauth2/code/auth0?code=test-code&state={state}",
					URLDecoder.decode(authorize.getFirst("state"), StandardCharsets.UTF_8))
			.cookies((cookies) -> jar.forEach(cookies::add))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(real.getResponseHeaders().getLocation()).isEqualTo(URI.create("/ok/path"));
		keep(jar, real.getResponseCookies());
		this.client.get()
			.uri("/bff/session")
			.cookies((cookies) -> jar.forEach(cookies::add))
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true);
	}

	/**
	 * "Sign in" clicked in one tab, then in another, and the login completed in the
	 * first: the second tab's start must not have cost the first its pending login.
	 */
	@Test
	void callbackWhenAnotherTabStartedALoginSinceThenTheFirstTabsLoginCompletes() {
		Browser browser = browser();
		Browser.StartedLogin first = browser.clickSignIn();
		browser.clickSignIn();

		assertThat(browser.completeLogin(first, "auth0|alice")).isEqualTo(URI.create("/ok/path"));

		browser.get("/bff/session")
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true)
			.jsonPath("$.user.sub")
			.isEqualTo("auth0|alice");
	}

	/**
	 * Both tabs come back, the later-started first: each completes (the second a login
	 * again, which replaces the first's session), and its pending login is used once.
	 */
	@Test
	void callbackWhenTwoTabsLoginsBothComeBackThenEachCompletesOnce() {
		Browser browser = browser();
		Browser.StartedLogin first = browser.clickSignIn();
		Browser.StartedLogin second = browser.clickSignIn();

		assertThat(browser.completeLogin(second, "auth0|alice")).isEqualTo(URI.create("/ok/path"));
		String secondSession = browser.sessionId();
		assertThat(browser.completeLogin(first, "auth0|alice")).isEqualTo(URI.create("/ok/path"));

		assertThat(browser.sessionId()).isNotEqualTo(secondSession);
		assertThat(browser.completeLogin(first, "auth0|alice")).as("its pending login was used")
			.isEqualTo(URI.create("/?login=failed"));
		assertThat(browser.cookies().keySet()).as("no pending login left")
			.allSatisfy((name) -> assertThat(name).doesNotContain("-login"));
	}

	/** What a browser does with the cookies an answer sets. */
	private static void keep(Map<String, String> jar, MultiValueMap<String, ResponseCookie> received) {
		received.forEach((name, cookies) -> cookies.forEach((cookie) -> {
			if (cookie.getMaxAge().isZero()) {
				jar.remove(name);
			}
			else {
				jar.put(name, cookie.getValue());
			}
		}));
	}

	/**
	 * The answer to {@code browser}'s {@code GET /me}, whose answer profile-service holds
	 * while {@code login} runs: the login completes while the request is on its way,
	 * every time.
	 */
	private static EntityExchangeResult<byte[]> answerHeldThrough(Browser browser, Runnable login) throws Exception {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{}")));
		HeldAnswer profileAnswer = holdProfileAnswer("/me");
		CompletableFuture<EntityExchangeResult<byte[]>> inFlight = CompletableFuture
			.supplyAsync(() -> browser.get("/me").exchange().expectBody().returnResult());
		profileAnswer.awaitReached();

		login.run();
		assertThat(inFlight).as("the request relayed before the login, its answer held").isNotDone();
		profileAnswer.release();

		EntityExchangeResult<byte[]> answer = inFlight.join();
		assertThat(answer.getStatus().value()).as("profile-service's answer, relayed").isEqualTo(200);
		return answer;
	}

	private void assertSignedOut(String sessionId) {
		this.client.get()
			.uri("/bff/session")
			.cookie(Browser.SESSION_COOKIE, sessionId)
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);
	}

	// Spring reads the callback's code and state from the query whatever the method, and
	// the login guards (a budget per address, the session store's capacity) watched GET
	// only: a HEAD or POST loop replaying one pending login's cookie and state made the
	// gateway call the IdP's token endpoint every time, past both guards.
	@ParameterizedTest
	@ValueSource(strings = { "HEAD", "POST", "PUT" })
	void callbackWhenNotAGetThenNoCodeExchangeAndThePendingLoginStays(String method) {
		PendingLogin login = PendingLogin.start(this.client);
		TestIdp.instance().stubCodeExchange(login.nonce(), "auth0|alice", "sid-method", 3600);

		login.callback(HttpMethod.valueOf(method), "test-code")
			.exchange()
			.expectHeader()
			.doesNotExist(HttpHeaders.SET_COOKIE);

		TestIdp.instance().server().verify(0, postRequestedFor(urlPathEqualTo("/oauth/token")));
		login.callback(HttpMethod.GET, "test-code")
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.location("/ok/path");
	}

	// A realm signing ID tokens with ES256 (Keycloak can, FAPI profiles require it):
	// every login ended at /?login=failed.
	@Test
	void callbackWhenIdTokenSignedWithEs256ByAServedKeyThenSignedIn() {
		LoginCallback callback = callback("c",
				(nonce) -> TestIdp.instance().stubCodeExchangeSignedWithEs256(nonce, "auth0|alice"));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		assertThat(callback.cookies()).containsKey(Browser.SESSION_COOKIE);
	}

	@Test
	void callbackWhenIdTokenNonceDiffersThenLoginFailsAndNoSession() {
		LoginCallback callback = callback("c",
				(nonce) -> TestIdp.instance().stubCodeExchange("a-replayed-nonce", "auth0|alice", "sid-x", 3600));
		assertThat(callback.landing()).isEqualTo(URI.create("/?login=failed"));
		assertThat(callback.cookies()).doesNotContainKey(Browser.SESSION_COOKIE);
		this.client.get()
			.uri("/bff/session")
			.cookies(callback::sendCookies)
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);
	}

	@Test
	void callbackWhenTokenEndpointHangsThenLoginFailsAtTheIdpTimeoutInsteadOfWaiting() {
		// Outlasts the IdP client's response timeout (IDP_RESPONSE_TIMEOUT), but not the
		// test client's.
		LoginCallback callback = callback("hung-code", (nonce) -> TestIdp.instance()
			.stubSlowCodeExchange("hung-code", nonce, "auth0|alice", Duration.ofSeconds(12)));
		assertThat(callback.landing()).isEqualTo(URI.create("/?login=failed"));
	}

	/**
	 * The IdP client's response timeout bounds the gap between two reads, not the whole
	 * answer: a token endpoint, or a proxy in front of it, that trickles its answer held
	 * the browser's callback for as long as it trickled.
	 */
	@Test
	void callbackWhenTokenEndpointTricklesItsAnswerThenLoginFailsAtTheIdpTimeout() {
		LoginCallback callback = callback("trickled-code", (nonce) -> TestIdp.instance()
			.stubTrickledCodeExchange("trickled-code", nonce, "auth0|alice", TRICKLED_OVER));
		assertThat(callback.landing()).isEqualTo(URI.create("/?login=failed"));
	}

	// Each login spent one of the user's 5 /userinfo calls a minute, which
	// profile-service's
	// /me needs, to learn what the ID token had already said.
	@Test
	void callbackWhenIdTokenCarriesNameEmailAndPictureThenNoUserinfoCall() {
		LoginCallback callback = callback("test-code",
				(nonce) -> TestIdp.instance().stubCodeExchange(nonce, "auth0|alice", "sid-full", 3600));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		session(callback).jsonPath("$.user.name")
			.isEqualTo("Alice Example")
			.jsonPath("$.user.email")
			.isEqualTo("alice@example.com")
			.jsonPath("$.user.picture")
			.isEqualTo("https://example.com/alice.png");
		TestIdp.instance().server().verify(0, getRequestedFor(urlPathEqualTo("/userinfo")));
	}

	@ParameterizedTest
	@ValueSource(strings = { StandardClaimNames.NAME, StandardClaimNames.EMAIL, StandardClaimNames.PICTURE })
	void callbackWhenIdTokenLacksAClaimTheSessionShowsThenAsksUserinfo(String claim) {
		callback("test-code",
				(nonce) -> TestIdp.instance().stubCodeExchangeWithIdTokenLacking(nonce, "auth0|alice", claim));

		TestIdp.instance().server().verify(1, getRequestedFor(urlPathEqualTo("/userinfo")));
	}

	/**
	 * An ID token without a picture (Keycloak's, for a user without one) sends the login
	 * to {@code /userinfo}; when that cannot answer now, the user signs in with what the
	 * ID token has. Auth0 allows {@code /userinfo} a burst of 10, then 5 a minute per
	 * user, shared with profile-service's {@code /me}: a user signing in on a few devices
	 * met a 429 at the callback and could not sign in at all.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 429, 500, 502, 503, 504 })
	void callbackWhenUserinfoUnavailableAndIdTokenThinThenSignedInWithIdTokenClaims(int status) {
		LoginCallback callback = thinIdTokenCallback(
				(accessToken) -> TestIdp.instance().stubUserinfo(accessToken, unavailable(status)));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		session(callback).jsonPath("$.user.sub")
			.isEqualTo("auth0|alice")
			.jsonPath("$.user.name")
			.isEqualTo("Alice Example")
			.jsonPath("$.user.email")
			.isEqualTo("alice@example.com")
			.jsonPath("$.user.picture")
			.doesNotExist();
		TestIdp.instance().server().verify(1, getRequestedFor(urlPathEqualTo("/userinfo")));
	}

	@Test
	void callbackWhenUserinfoConnectionResetThenSignedInWithIdTokenClaims() {
		LoginCallback callback = thinIdTokenCallback((accessToken) -> TestIdp.instance()
			.stubUserinfo(accessToken, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		session(callback).jsonPath("$.user.name").isEqualTo("Alice Example");
	}

	@Test
	void callbackWhenUserinfoHangsThenSignedInWithIdTokenClaimsAtTheIdpTimeout() {
		// Outlasts the IdP client's response timeout, but not the test client's.
		LoginCallback callback = thinIdTokenCallback(
				(accessToken) -> TestIdp.instance().stubSlowUserinfo(accessToken, Duration.ofSeconds(12)));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		session(callback).jsonPath("$.user.name").isEqualTo("Alice Example");
	}

	@Test
	void callbackWhenUserinfoTricklesItsAnswerThenSignedInWithIdTokenClaimsAtTheIdpTimeout() {
		LoginCallback callback = thinIdTokenCallback((accessToken) -> TestIdp.instance()
			.stubUserinfo(accessToken, TestIdp.trickled(
					okJson(TestIdp.json(Map.of("sub", "auth0|alice", "picture", "https://example.com/trickled.png"))),
					TRICKLED_OVER)));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		session(callback).jsonPath("$.user.name").isEqualTo("Alice Example").jsonPath("$.user.picture").doesNotExist();
	}

	/** A refused access token is about this login, not the IdP's load: it still fails. */
	@ParameterizedTest
	@ValueSource(ints = { 401, 403 })
	void callbackWhenUserinfoRefusesTheAccessTokenThenLoginFails(int status) {
		LoginCallback callback = thinIdTokenCallback((accessToken) -> TestIdp.instance()
			.stubUserinfo(accessToken, aResponse().withStatus(status)
				.withHeader(HttpHeaders.WWW_AUTHENTICATE,
						"Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"The token has expired\"")
				.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_PLAIN_VALUE)
				.withBody("Unauthorized")));

		assertThat(callback.landing()).isEqualTo(URI.create("/?login=failed"));
		assertThat(callback.cookies()).doesNotContainKey(Browser.SESSION_COOKIE);
	}

	@Test
	void callbackWhenUserinfoAnswersForAnotherSubjectThenLoginFails() {
		LoginCallback callback = thinIdTokenCallback((accessToken) -> TestIdp.instance()
			.stubUserinfo(accessToken, okJson(TestIdp.json(Map.of("sub", "auth0|mallory", "picture", "x")))));

		assertThat(callback.landing()).isEqualTo(URI.create("/?login=failed"));
		assertThat(callback.cookies()).doesNotContainKey(Browser.SESSION_COOKIE);
	}

	@Test
	void callbackWhenIdTokenLacksPictureThenSessionShowsUserinfoPicture() {
		LoginCallback callback = thinIdTokenCallback((accessToken) -> TestIdp.instance()
			.stubUserinfo(accessToken, okJson(TestIdp.json(Map.of("sub", "auth0|alice", "name", "Alice Example",
					"picture", "https://example.com/alice-userinfo.png")))));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		session(callback).jsonPath("$.user.picture").isEqualTo("https://example.com/alice-userinfo.png");
	}

	/**
	 * A login whose ID token has no picture, with {@code userinfo} stubbing /userinfo.
	 */
	private LoginCallback thinIdTokenCallback(Consumer<String> userinfo) {
		return callback("test-code",
				(nonce) -> userinfo.accept(TestIdp.instance()
					.stubCodeExchangeWithIdTokenLacking(nonce, "auth0|alice", StandardClaimNames.PICTURE)
					.accessToken()));
	}

	/** Auth0's answer to a user over the /userinfo budget (auth0-contract.md 1). */
	private static ResponseDefinitionBuilder rateLimited() {
		return aResponse().withStatus(429)
			.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
			.withHeader("X-RateLimit-Limit", "5")
			.withHeader("X-RateLimit-Remaining", "0")
			.withHeader("X-RateLimit-Reset", "1767225600")
			.withBody("{\"error\":\"too_many_requests\",\"error_description\":\"Too many requests\"}");
	}

	private static ResponseDefinitionBuilder unavailable(int status) {
		return (status == 429) ? rateLimited() : aResponse().withStatus(status).withBody("upstream trouble");
	}

	private BodyContentSpec session(LoginCallback callback) {
		return this.client.get()
			.uri("/bff/session")
			.cookies(callback::sendCookies)
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true);
	}

	/**
	 * Starts a login, lets {@code idp} stub the IdP for the login's nonce, and returns to
	 * the callback with {@code code}.
	 */
	private LoginCallback callback(String code, Consumer<String> idp) {
		return LoginCallback.run(this.client, code, idp);
	}

	// Secure and the __Host- prefix follow PUBLIC_BASE_URL's scheme:
	// session.SessionCookieOverPlainHttpTests, SessionCookieOverHttpsTests.
	@Test
	void sessionCookieWhenIssuedThenHttpOnlyLax() {
		ResponseCookie cookie = callback("test-code",
				(nonce) -> TestIdp.instance().stubCodeExchange(nonce, "auth0|alice", "sid-cookie", 3600))
			.cookies()
			.get(Browser.SESSION_COOKIE);
		assertThat(cookie).isNotNull();
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Lax");
		assertThat(cookie.getPath()).isEqualTo("/");
	}

}
