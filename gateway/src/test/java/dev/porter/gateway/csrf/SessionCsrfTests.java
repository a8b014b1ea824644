package dev.porter.gateway.csrf;

import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.util.MultiValueMap;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, part 4: the CSRF token is the session's, not whatever the browser's cookie
 * says — so someone who can plant a cookie for the host (a sibling subdomain, a
 * man-in-the-middle on plain http) cannot forge a matching pair — it changes at login and
 * dies at logout, and a browser's own word that a request is cross-site
 * ({@code Sec-Fetch-Site}) is enough to refuse it.
 */
class SessionCsrfTests extends GatewayTestSupport {

	private static final String JSON = "{\"theme\":\"dark\"}";

	@Test
	void patchMetadataWhenCookieAndHeaderForgedAlikeThenForbiddenAndNothingRelayed() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		alice.xsrf();
		alice.cookies().put("XSRF-TOKEN", "forged");
		patchMetadata(alice, "forged").expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenTokenOfAnotherSessionThenForbidden() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		Browser mallory = browser().login("auth0|mallory", 3600);
		String malloryToken = mallory.xsrf();
		alice.cookies().put("XSRF-TOKEN", malloryToken);
		patchMetadata(alice, malloryToken).expectStatus().isForbidden();
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenSessionTokenEchoedThenRelayed() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		patchMetadata(alice, alice.xsrf()).expectStatus().isOk();
	}

	@Test
	void loginWhenSignedInAgainThenTokenRotatedAndOldOneRefused() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		String before = alice.xsrf();
		alice.login("auth0|alice", 3600);
		String after = alice.xsrf();
		assertThat(after).isNotEqualTo(before);
		alice.cookies().put("XSRF-TOKEN", before);
		patchMetadata(alice, before).expectStatus().isForbidden();
		alice.cookies().put("XSRF-TOKEN", after);
		patchMetadata(alice, after).expectStatus().isOk();
	}

	@Test
	void logoutWhenDoneThenXsrfCookieExpiredAndOldPairWorthNothing() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		String token = alice.xsrf();
		String session = alice.sessionId();
		MultiValueMap<String, ResponseCookie> cookies = alice.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", token)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseCookies();
		ResponseCookie expired = cookies.getFirst("XSRF-TOKEN");
		assertThat(expired).isNotNull();
		assertThat(expired.getMaxAge()).isZero();
		// The session the request ended: its cookie goes too.
		assertThat(cookies.getFirst(Browser.SESSION_COOKIE)).extracting(ResponseCookie::getMaxAge)
			.isEqualTo(Duration.ZERO);
		// the session is gone, so its token protects nothing and relays nothing
		this.client.patch()
			.uri("/me/metadata")
			.header(HttpHeaders.ACCEPT, "application/json")
			.header("X-XSRF-TOKEN", token)
			.cookie(Browser.SESSION_COOKIE, session)
			.cookie("XSRF-TOKEN", token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(JSON)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenSessionEndedThenLoginRequiredNotCsrfProblem() {
		// After its session ended (idle, lifetime, back-channel logout) the SPA still
		// sends the last token it had: it must be told to sign in again, not that its
		// request was forged.
		stubPatch();
		this.client.patch()
			.uri("/me/metadata")
			.header(HttpHeaders.ACCEPT, "application/json")
			.header("X-XSRF-TOKEN", "from-a-session-that-ended")
			.cookie(Browser.SESSION_COOKIE, "session-that-ended")
			.cookie("XSRF-TOKEN", "from-a-session-that-ended")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(JSON)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login");
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void logoutWhenSessionAlreadyEndedThenRedirectNotForbidden() {
		this.client.post()
			.uri("/bff/logout")
			.header(HttpHeaders.ACCEPT, "application/json")
			.header("X-XSRF-TOKEN", "from-a-session-that-ended")
			.cookie(Browser.SESSION_COOKIE, "session-that-ended")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			// The IdP's session may outlive the gateway's: its logout, naming no one.
			.jsonPath("$.redirect")
			.isEqualTo(TestIdp.instance().issuer()
					+ "oidc/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A8080%2F&client_id="
					+ TestIdp.CLIENT_ID);
	}

	/**
	 * A request of the browser's earlier session, with that session's cookie and
	 * {@code XSRF-TOKEN} as a real browser sends them, sent just before the browser took
	 * a new login's cookies and answered once the login had ended that session. The
	 * browser applies that answer last: an expiry of {@code XSRF-TOKEN} in it would take
	 * the new session's token from the page, and its next unsafe request ("Sign out")
	 * would be refused as forged.
	 */
	@ParameterizedTest
	@CsvSource({ "GET, /me", "GET, /bff/session", "PATCH, /me/metadata" })
	void requestWhenOfTheSessionALoginReplacedAndAnsweredAfterItThenTheNewSessionsXsrfCookieStays(String method,
			String path) {
		stubPatch();
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser alice = browser().login("auth0|alice", 3600);
		String earlierSession = alice.sessionId();
		String earlierToken = alice.xsrf();
		alice.login("auth0|alice", 3600);
		String token = alice.cookies().get("XSRF-TOKEN");
		assertThat(token).as("the new session's token, shown by the login").isNotEqualTo(earlierToken);

		WebTestClient.RequestBodySpec late = this.client.method(HttpMethod.valueOf(method))
			.uri(path)
			.header(HttpHeaders.ACCEPT, "application/json")
			.header("X-XSRF-TOKEN", earlierToken)
			.cookie(Browser.SESSION_COOKIE, earlierSession)
			.cookie("XSRF-TOKEN", earlierToken);
		WebTestClient.RequestHeadersSpec<?> sent = "GET".equals(method) ? late
				: late.contentType(MediaType.APPLICATION_JSON).bodyValue(JSON);
		MultiValueMap<String, ResponseCookie> answered = sent.exchange()
			.expectBody()
			.returnResult()
			.getResponseCookies();

		assertThat(answered.values()).flatExtracting((cookies) -> cookies)
			.as("cookies the late answer sets or expires")
			.isEmpty();
		alice.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.redirect")
			.value(String.class, (url) -> assertThat(url).contains("logout_hint="));
	}

	@Test
	void patchMetadataWhenSignedInWithoutTokenThenForbidden() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		alice.patchMetadata(null, JSON).expectStatus().isForbidden();
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void getWhenAnonymousThenNeitherSessionNorXsrfCookieIssued() {
		WebTestClient.ResponseSpec response = this.client.get()
			.uri("/bff/session")
			.header(HttpHeaders.ACCEPT, "application/json")
			.exchange()
			.expectStatus()
			.isOk();
		response.expectCookie().doesNotExist(Browser.SESSION_COOKIE);
		response.expectCookie().doesNotExist("XSRF-TOKEN");
	}

	@Test
	void getWhenXsrfCookieDiffersFromSessionTokenThenCookieReset() {
		Browser alice = browser().login("auth0|alice", 3600);
		String token = alice.xsrf();
		alice.cookies().put("XSRF-TOKEN", "planted");
		alice.get("/bff/session").exchange().expectCookie().valueEquals("XSRF-TOKEN", token);
	}

	@Test
	void xsrfCookieWhenIssuedThenReadableByScriptsAndSameSiteLax() {
		Browser alice = browser().login("auth0|alice", 3600);
		alice.cookies().remove("XSRF-TOKEN");
		alice.get("/bff/session")
			.exchange()
			.expectCookie()
			.httpOnly("XSRF-TOKEN", false)
			.expectCookie()
			.sameSite("XSRF-TOKEN", "Lax")
			.expectCookie()
			.path("XSRF-TOKEN", "/");
	}

	@Test
	void patchMetadataWhenSecFetchSiteCrossSiteThenForbiddenEvenWithValidToken() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		patchMetadata(alice, alice.xsrf(), "cross-site").expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenSecFetchSiteSameSiteThenForbidden() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		patchMetadata(alice, alice.xsrf(), "same-site").expectStatus().isForbidden();
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenSecFetchSiteSameOriginThenRelayed() {
		stubPatch();
		Browser alice = browser().login("auth0|alice", 3600);
		patchMetadata(alice, alice.xsrf(), "same-origin").expectStatus().isOk();
	}

	// A page on a sibling subdomain (same site: the session cookie goes along) could
	// fetch
	// /me in no-cors mode in a loop: it cannot read the answers, but it spends the user's
	// relay rate limit (per user, so on every device) and profile-service's capacity.
	@ParameterizedTest
	@CsvSource({ "same-site, no-cors, empty", "cross-site, no-cors, empty", "same-site, navigate, iframe" })
	void getMeWhenAnotherSitesPageFetchesItThenForbiddenAndNothingRelayed(String fetchSite, String mode,
			String destination) {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		getMeFetchedAs(fetchSite, mode, destination).expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	/** The user following a link from another site, and the SPA's own fetch. */
	@ParameterizedTest
	@CsvSource({ "cross-site, navigate, document", "same-origin, cors, empty" })
	void getMeWhenTheUserFollowsALinkOrTheSpaFetchesItThenRelayed(String fetchSite, String mode, String destination) {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		getMeFetchedAs(fetchSite, mode, destination).expectStatus().isOk();
	}

	@Test
	void backchannelLogoutWhenSecFetchSiteCrossSiteThenNotRefusedAsCsrf() {
		this.client.post()
			.uri("/bff/backchannel-logout")
			.header("Sec-Fetch-Site", "cross-site")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("logout_token=not-a-jwt")
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	/**
	 * Alice, signed in, loads {@code /me} with the browser's word on where it came from.
	 */
	private WebTestClient.ResponseSpec getMeFetchedAs(String fetchSite, String mode, String destination) {
		return browser().login("auth0|alice", 3600)
			.get("/me")
			.header("Sec-Fetch-Site", fetchSite)
			.header("Sec-Fetch-Mode", mode)
			.header("Sec-Fetch-Dest", destination)
			.exchange();
	}

	private static void stubPatch() {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"user_metadata\":{}}")));
	}

	private static WebTestClient.ResponseSpec patchMetadata(Browser browser, String token) {
		return browser.patchMetadata(token, JSON);
	}

	private static WebTestClient.ResponseSpec patchMetadata(Browser browser, String token, String fetchSite) {
		return browser.method(HttpMethod.PATCH, "/me/metadata")
			.header("X-XSRF-TOKEN", token)
			.header("Sec-Fetch-Site", fetchSite)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(JSON)
			.exchange();
	}

}
