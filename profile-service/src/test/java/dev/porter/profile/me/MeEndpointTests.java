package dev.porter.profile.me;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class MeEndpointTests extends ProfileServiceIntegrationTest {

	private static final String BOB = "google-oauth2|103547991597142817347";

	private String alice() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		return token;
	}

	@Test
	void getMeWhenColdThenMergesUserinfoWithDirectoryUserFieldByField() {
		getMe(alice()).expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; fwd=uri-miss; stored")
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
			.expectHeader()
			.exists(HttpHeaders.ETAG)
			.expectBody()
			.jsonPath("$.sub")
			.isEqualTo(Upstreams.ALICE)
			// Management root attributes override the same /userinfo claims
			.jsonPath("$.name")
			.isEqualTo("chuck878@example.com")
			.jsonPath("$.nickname")
			.isEqualTo("Chucky")
			.jsonPath("$.picture")
			.isEqualTo("https://example-picture-url.jpg")
			.jsonPath("$.email")
			.isEqualTo("chuck878@example.com")
			.jsonPath("$.email_verified")
			.isEqualTo(true)
			.jsonPath("$.updated_at")
			.isEqualTo("2023-01-25T19:00:26.539Z")
			.jsonPath("$.given_name")
			.isEqualTo("Chuck")
			.jsonPath("$.family_name")
			.isEqualTo("Sanchez")
			.jsonPath("$.username")
			.isEqualTo("test-user636")
			.jsonPath("$.created_at")
			.isEqualTo("2023-01-25T19:00:26.539Z")
			// /userinfo claims the directory does not have survive, custom ones included
			.jsonPath("$['unknown-param']")
			.isEqualTo("test-value")
			.jsonPath("$['https://porter.example/roles'][0]")
			.isEqualTo("reader")
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick")
			// allow-list is [plan]; this user's app_metadata has only "facts"
			.jsonPath("$.app_metadata")
			.doesNotExist()
			.jsonPath("$.identities.length()")
			.isEqualTo(1)
			.jsonPath("$.identities[0].provider")
			.isEqualTo("auth0")
			.jsonPath("$.identities[0].connection")
			.isEqualTo("Username-Password-Authentication")
			.jsonPath("$.identities[0].user_id")
			.isEqualTo("63d17c4a9d503d76c056c160")
			.jsonPath("$.identities[0].isSocial")
			.isEqualTo(false)
			.jsonPath("$.blocked")
			.doesNotExist()
			.jsonPath("$.user_id")
			.doesNotExist();
	}

	@Test
	void getMeWhenColdThenCallsManagementWithEncodedIdAndAudienceScopedM2mToken() {
		getMe(alice()).expectStatus().isOk();
		upstreams.management()
			.verify(1, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)).withHeader("Authorization",
					equalTo("Bearer test-access-token")));
		upstreams.idp()
			.verify(1,
					postRequestedFor(urlPathEqualTo("/oauth/token"))
						.withRequestBody(containing("grant_type=client_credentials"))
						.withRequestBody(containing("client_id=porter-profile"))
						.withRequestBody(containing("audience=" + java.net.URLEncoder.encode(upstreams.managementUri(),
								java.nio.charset.StandardCharsets.UTF_8))));
	}

	@Test
	void getMeWhenSocialUserThenIdentityProviderTokensAndPrivateFieldsNeverAppear() {
		String token = TestJwts.mint(issuer(), BOB);
		upstreams.stubUser(token, "userinfo/social.json", "/api/v2/users/google-oauth2%7C103547991597142817347",
				"management/user-social.json");
		String body = new String(getMe(token).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.app_metadata.plan")
			.isEqualTo("pro")
			.jsonPath("$.app_metadata.internal_score")
			.doesNotExist()
			.jsonPath("$.user_metadata.country")
			.isEqualTo("NZ")
			.jsonPath("$.identities[0].provider")
			.isEqualTo("google-oauth2")
			.jsonPath("$.identities[0].isSocial")
			.isEqualTo(true)
			.jsonPath("$.locale")
			.isEqualTo("en")
			.jsonPath("$.logins_count")
			.isEqualTo(12)
			.jsonPath("$.last_login")
			.isEqualTo("2026-11-20T10:00:00.000Z")
			.returnResult()
			.getResponseBodyContent());
		assertThat(body).doesNotContain("ya29", "idp-refresh-token", "idp-token-secret", "access_token",
				"refresh_token", "profileData", "203.0.113.7", "last_ip", "multifactor", "guardian", "blocked",
				"some_future_field", "gender");
	}

	@Test
	void getMeWhenCachedThenHitWithRemainingTtlAndNoUpstreamCall() {
		String token = alice();
		getMe(token).expectStatus().isOk();
		this.ticker.advance(Duration.ofSeconds(88));
		getMe(token).expectStatus().isOk().expectHeader().valueEquals("Cache-Status", "profile-service; hit; ttl=212");
		upstreams.idp().verify(1, getRequestedFor(urlEqualTo("/userinfo")));
		upstreams.management().verify(1, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void getMeWhenIfNoneMatchMatchesThenNotModifiedWithoutBody() {
		String token = alice();
		String etag = getMe(token).expectStatus().isOk().returnResult(String.class).getResponseHeaders().getETag();
		this.client.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, etag)
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
			.expectBody()
			.isEmpty();
		this.client.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.IF_NONE_MATCH, "\"something-else\"")
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void getMeWhenUserIdHasSeveralPipesThenSentAsOneEncodedSegment() {
		String sub = "samlp|example-samlp-connection|username@domain.com";
		String token = TestJwts.mint(issuer(), sub);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(okJson("{\"sub\":\"" + sub + "\",\"name\":\"Sam\"}")));
		upstreams.management()
			.stubFor(get(urlEqualTo("/api/v2/users/samlp%7Cexample-samlp-connection%7Cusername%40domain.com"))
				.willReturn(okJson("{\"user_id\":\"" + sub + "\",\"nickname\":\"sam\"}")));
		getMe(token).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sub")
			.isEqualTo(sub)
			.jsonPath("$.nickname")
			.isEqualTo("sam");
	}

	@Test
	void getMeWhenUserMissingInDirectoryThenNotFoundProblem() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(okJson(Fixtures.read("userinfo/recorded.json"))));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(404)
				.withHeader("Content-Type", "application/json")
				.withBody(Fixtures.read("management/error-not-found.json"))));
		getMe(token).expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404)
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/user-not-found")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).doesNotContain("inexistent_user"));
		upstreams.management().verify(1, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void getMeWhenManagementAnswersNonsenseThenBadGatewayProblemWithoutUpstreamBody() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(okJson(Fixtures.read("userinfo/recorded.json"))));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson("[\"secret-upstream-detail\"]")));
		String body = new String(getMe(token).expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.returnResult()
			.getResponseBodyContent());
		assertThat(body).doesNotContain("secret-upstream-detail", "Exception", "at dev.porter");
	}

	@Test
	void getMeWhenManagementRejectsM2mTokenOnceThenFetchesNewTokenAndSucceeds() {
		String token = alice();
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("expired")
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(Upstreams.status(401)
					.withHeader("Content-Type", "application/json")
					.withBody(Fixtures.read("management/error-expired-token.json")))
				.willSetStateTo("renewed"));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).inScenario("expired")
				.whenScenarioStateIs("renewed")
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));
		getMe(token).expectStatus().isOk();
		upstreams.idp().verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
		upstreams.management().verify(2, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void getMeWhenUserinfoRejectsCallerTokenThenUnauthorizedProblem() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(401)
				.withHeader("WWW-Authenticate",
						"Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"The token has expired\"")
				.withBody("Unauthorized")));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));
		// invalid_token, as for a token that fails our own checks: the gateway renews the
		// session's tokens on it (a blocked user, a revoked grant, an IdP that forgot its
		// grants), and ends the session when the IdP refuses the refresh.
		getMe(token).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401);
	}

	// Blocked at Auth0 (or her grant revoked) while her profile is cached: her token
	// still passes our checks until its exp, and only /userinfo says it is refused. The
	// stale read's revalidation, refused, kept the entry, so every later read got her
	// stale profile for the rest of the hour and the gateway never learnt to refresh
	// (and so end) her session.
	@Test
	void getMeWhenUserinfoRefusesTheTokenOfACachedUserThenTheReadAfterTheRevalidationIsUnauthorized() {
		String token = alice();
		getMe(token).expectStatus().isOk();
		this.ticker.advance(Duration.ofMinutes(6));
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + token))
				.willReturn(Upstreams.status(401)
					.withHeader(HttpHeaders.WWW_AUTHENTICATE,
							"Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"Invalid token\"")
					.withBody("Unauthorized")));

		getMe(token).expectStatus().isOk().expectHeader().valueEquals("Cache-Status", "profile-service; hit; ttl=-60");

		// the revalidation runs in the background: until it has been refused, a read
		// still gets the stale copy
		AtomicReference<EntityExchangeResult<String>> next = new AtomicReference<>();
		Eventually.await("a read answered other than her stale profile", Duration.ofSeconds(10), () -> {
			EntityExchangeResult<String> read = getMe(token).expectBody(String.class).returnResult();
			next.set(read);
			return read.getStatus().value() != 200;
		});
		EntityExchangeResult<String> refused = next.get();
		assertThat(refused.getStatus().value()).isEqualTo(401);
		assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
			.isEqualTo("Bearer error=\"invalid_token\"");
		assertThat(refused.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		// her load, the refused revalidation, and the read that found no entry
		upstreams.idp().verify(3, getRequestedFor(urlEqualTo("/userinfo")));
	}

	@Test
	void pingWhenAuthenticatedThenReturnsSubWithoutUpstreamCall() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		this.client.get()
			.uri("/me/ping")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sub")
			.isEqualTo(Upstreams.ALICE);
		upstreams.idp().verify(0, getRequestedFor(urlEqualTo("/userinfo")));
		assertThat(upstreams.management().getAllServeEvents()).isEmpty();
	}

	// The framework's own answers (a wrong method, an unknown path, an Accept it cannot
	// meet) carried no type, where every other problem of this API has one under
	// porter.example; the gateway relays them as they are.
	@ParameterizedTest
	@CsvSource({ "GET, /me/metadata, 405", "GET, /me/nothing-here, 404" })
	void requestWhenTheFrameworkRefusesItThenAProblemTypeOfOurs(String method, String path, int status) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		this.client.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path)
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/http-" + status);
	}

}
