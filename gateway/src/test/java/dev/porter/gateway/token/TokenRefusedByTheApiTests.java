package dev.porter.gateway.token;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * profile-service refuses an access token the gateway still takes for valid (RFC 6750
 * {@code 401} with {@code error="invalid_token"}): dev-idp restarted with a new signing
 * key and forgot its grants, or an Auth0 admin blocked the user or revoked the grant, and
 * {@code /userinfo} refuses her token. The session used to stay signed in, every
 * {@code /me} answered the API's 401 (which the SPA shows as a configuration fault, with
 * no way to sign in) until the token was due for its refresh, up to 24 hours on Auth0.
 * Now the refusal refreshes the session's tokens at once, through the refresh path of an
 * expiring token, once per token. Same properties as {@link RefreshFailureTests}, so the
 * two share one gateway.
 */
@TestPropertySource(properties = { "porter.token.refresh-backoff=1m", "porter.token.refresh-backoff-max=1m" })
@Import(MovableGatewayClock.class)
@ExtendWith(OutputCaptureExtension.class)
class TokenRefusedByTheApiTests extends GatewayTestSupport {

	/** What profile-service answers when its {@code /userinfo} call is refused. */
	private static final String USERINFO_REFUSED = "{\"type\":\"https://porter.example/problems/unauthorized\","
			+ "\"title\":\"Unauthorized\",\"status\":401,"
			+ "\"detail\":\"The identity provider did not accept this access token for /userinfo.\"}";

	private static final String RENEWED = "at-renewed";

	private static final int PARALLEL = 6;

	@Autowired
	private MovableClock clock;

	@BeforeEach
	void clockAtRealTime() {
		this.clock.moveTo(Instant.now());
	}

	@Test
	void getMeWhenTheApiRefusesATokenNotYetDueThenRefreshedOnceAndRetriedWithTheNewToken() {
		Browser browser = browser().login("auth0|alice", 3600);
		apiRefuses(browser.tokens().accessToken());
		apiAccepts(RENEWED);
		TestIdp.instance().stubRefresh(browser.tokens().refreshToken(), RENEWED);

		browser.get("/me").exchange().expectStatus().isOk().expectBody().jsonPath("$.sub").isEqualTo("auth0|alice");

		TestIdp.instance().verifyRefreshes(1);
		PROFILE.verify(1, meWith(browser.tokens().accessToken()));
		PROFILE.verify(1, meWith(RENEWED));
		browser.get("/me").exchange().expectStatus().isOk();
		TestIdp.instance().verifyRefreshes(1);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	// dev-idp restarted (its grants are gone) or an Auth0 admin revoked the grant: the
	// refresh the refusal brings about is refused for good, and the session is over.
	@Test
	void getMeWhenTheApiRefusesTheTokenAndTheRefreshIsRefusedWithInvalidGrantThenLoginRequiredAndSessionEnded(
			CapturedOutput output) {
		Browser browser = browser().login("auth0|alice", 3600);
		apiRefuses(browser.tokens().accessToken());
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), 403, "invalid_grant");

		browser.expectLoginRequired("/me");

		TestIdp.instance().verifyRefreshes(1);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		PROFILE.verify(1, getRequestedFor(urlPathEqualTo("/me")));
		assertThat(output.getAll()).doesNotContain(browser.tokens().accessToken(), browser.tokens().refreshToken());
	}

	// An API that refuses every token for a reason of its own (a wrong API_AUDIENCE): the
	// renewed token is refused too, and from then on its refusal is relayed as it was
	// before, without a refresh for every request.
	@Test
	void getMeWhenTheRenewedTokenIsRefusedTooThenTheApisAnswerIsRelayedAndNoFurtherRefresh() {
		Browser browser = browser().login("auth0|alice", 3600);
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(refused()));
		TestIdp.instance().stubRefresh(browser.tokens().refreshToken(), RENEWED);

		for (int i = 0; i < 3; i++) {
			browser.get("/me")
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectBody()
				.jsonPath("$.detail")
				.isEqualTo("The identity provider did not accept this access token for /userinfo.")
				.jsonPath("$.login_url")
				.doesNotExist();
		}

		TestIdp.instance().verifyRefreshes(1);
		PROFILE.verify(1, meWith(browser.tokens().accessToken()));
		PROFILE.verify(3, meWith(RENEWED));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	// A 401 that does not say the token is invalid (no token, another scheme) is the
	// API's
	// own answer about the request, as is any other refusal: relayed as it is.
	@ParameterizedTest
	@ValueSource(strings = { "Bearer", "Bearer realm=\"api\", error=\"invalid_request\"", "Basic realm=\"api\"" })
	void getMeWhenTheApiAnswers401WithoutInvalidTokenThenRelayedAsItIsWithoutARefresh(String challenge) {
		Browser browser = browser().login("auth0|alice", 3600);
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(aResponse().withStatus(401)
			.withHeader(HttpHeaders.WWW_AUTHENTICATE, challenge)
			.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
			.withBody(USERINFO_REFUSED)));
		TestIdp.instance().stubRefresh(browser.tokens().refreshToken(), RENEWED);

		browser.get("/me")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.login_url")
			.doesNotExist();

		TestIdp.instance().verifyRefreshes(0);
		PROFILE.verify(1, getRequestedFor(urlPathEqualTo("/me")));
	}

	// The refused change was not applied (profile-service checks the token, and asks
	// /userinfo, before it writes); its body is not sent a second time by the gateway:
	// the
	// SPA is told to send it again, and then it goes with the renewed token.
	@Test
	void patchWhenTheApiRefusesTheTokenThenRenewedAndNotSentAgainAnd503AsksToSendItAgain() {
		Browser browser = browser().login("auth0|alice", 3600);
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + browser.tokens().accessToken()))
			.willReturn(refused()));
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + RENEWED))
			.willReturn(okJson("{\"sub\":\"auth0|alice\",\"user_metadata\":{\"theme\":\"dark\"}}")));
		TestIdp.instance().stubRefresh(browser.tokens().refreshToken(), RENEWED);
		String xsrf = browser.xsrf();

		browser.patchMetadata(xsrf, "{\"theme\":\"dark\"}")
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "1")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/token-renewed")
			.jsonPath("$.retry_after")
			.isEqualTo(1);
		TestIdp.instance().verifyRefreshes(1);
		PROFILE.verify(1, patchRequestedFor(urlPathEqualTo("/me/metadata")));

		browser.patchMetadata(xsrf, "{\"theme\":\"dark\"}").expectStatus().isOk();
		PROFILE.verify(1, patchRequestedFor(urlPathEqualTo("/me/metadata")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer " + RENEWED)));
		TestIdp.instance().verifyRefreshes(1);
	}

	// The IdP cannot refresh right now: the usual answer of a failed refresh, and the
	// session goes on (the refusal may have been the API's passing fault).
	@Test
	void getMeWhenTheApiRefusesTheTokenAndTheIdpFailsThen503WithRetryAfterAndSessionKept() {
		Browser browser = browser().login("auth0|alice", 3600);
		apiRefuses(browser.tokens().accessToken());
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), 503, "temporarily_unavailable");

		for (int i = 0; i < 3; i++) {
			browser.get("/me")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectHeader()
				.valueEquals(HttpHeaders.RETRY_AFTER, "60");
		}

		TestIdp.instance().verifyRefreshes(1);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	// Every request of the session meets the refusal at once (the page loads): one
	// refresh, whether a request joins it in flight or finds its result stored.
	@Test
	void getMeWhenParallelRequestsHaveTheirTokenRefusedThenOneRefreshAndAllRetried() throws Exception {
		Browser browser = browser().login("auth0|alice", 3600);
		apiRefuses(browser.tokens().accessToken());
		apiAccepts(RENEWED);
		TestIdp.instance().stubRefresh(browser.tokens().refreshToken(), RENEWED);
		WebClient client = WebClient.builder()
			.clientConnector(TestClients.connector())
			.baseUrl("http://localhost:" + this.port)
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.defaultCookies((cookies) -> browser.cookies().forEach(cookies::add))
			.build();

		CompletableFuture<List<Integer>> statuses = Flux.range(0, PARALLEL)
			.flatMap((i) -> Mono.fromFuture(TestClients.statusInBackground(client.get().uri("/me"))), PARALLEL)
			.collectList()
			.toFuture();

		assertThat(statuses.get(20, TimeUnit.SECONDS)).hasSize(PARALLEL).containsOnly(200);
		TestIdp.instance().verifyRefreshes(1);
		PROFILE.verify(PARALLEL, meWith(RENEWED));
	}

	private static void apiRefuses(String accessToken) {
		PROFILE
			.stubFor(get(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + accessToken))
				.willReturn(refused()));
	}

	private static void apiAccepts(String accessToken) {
		PROFILE
			.stubFor(get(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + accessToken))
				.willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
	}

	/** profile-service's answer when the IdP's {@code /userinfo} refused the token. */
	private static ResponseDefinitionBuilder refused() {
		return aResponse().withStatus(401)
			.withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
			.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
			.withBody(USERINFO_REFUSED);
	}

	private static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder meWith(String accessToken) {
		return getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer " + accessToken));
	}

}
