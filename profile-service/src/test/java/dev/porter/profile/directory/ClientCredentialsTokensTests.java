package dev.porter.profile.directory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.MutableClock;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ClientCredentialsTokensTests {

	private static final String WHAT_TO_CHECK = "check TEST_CLIENT_ID and TEST_CLIENT_SECRET";

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private final MutableClock clock = new MutableClock();

	private ClientCredentialsTokens tokens;

	@BeforeEach
	void start() {
		this.idp.start();
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json")).withFixedDelay(200)));
		this.tokens = tokens(WebClient.builder(), ClientCredentialsTokens.REQUEST_TIMEOUT);
	}

	private ClientCredentialsTokens tokens(WebClient.Builder webClient, Duration requestTimeout) {
		return new ClientCredentialsTokens("test", "TEST_CLIENT_ID and TEST_CLIENT_SECRET",
				URI.create("http://localhost:" + this.idp.port() + "/oauth/token"), "porter-profile",
				"test-only-secret", new LinkedMultiValueMap<>(Map.of("audience", List.of("https://api.example/"))),
				webClient
					.codecs((c) -> c.defaultCodecs()
						.jacksonJsonDecoder(new org.springframework.http.codec.json.JacksonJsonDecoder(
								tools.jackson.databind.json.JsonMapper.builder().build())))
					.build(),
				this.clock, requestTimeout);
	}

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	@Test
	void accessTokenWhenManyCallersAtOnceThenOneTokenRequest() {
		StepVerifier.create(Flux.range(0, 50).flatMap((i) -> this.tokens.accessToken()).distinct())
			.expectNext("test-access-token")
			.verifyComplete();
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void accessTokenWhenTokenValidThenReusedWithoutRequest() {
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	// The token's expiry was dated by the system clock while the renewal and the
	// still-valid check read the injected one: a clock ahead of the system's (here two
	// days, past the fixture's one day of life) saw every fresh token as expired.
	@Test
	void accessTokenWhenTheClockIsAheadOfTheSystemsThenAValidTokenIsReused() {
		this.clock.advance(Duration.ofDays(2));

		for (int i = 0; i < 3; i++) {
			StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		}
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.clock.advance(Duration.ofDays(1));
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	// A fixed 60 s renewal margin took a token of a minute or less (Keycloak realms
	// hardened to a 1-minute access token) for expired on arrival: every directory call
	// sent a token request. The margin is at most half the token's life.
	@Test
	void accessTokenWhenTheTokenLivesShorterThanTheMarginThenRenewedAtHalfItsLife() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson("{\"access_token\":\"short-lived\",\"token_type\":\"Bearer\",\"expires_in\":30}")));

		for (int i = 0; i < 3; i++) {
			StepVerifier.create(this.tokens.accessToken()).expectNext("short-lived").verifyComplete();
		}
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.clock.advance(Duration.ofSeconds(14));
		StepVerifier.create(this.tokens.accessToken()).expectNext("short-lived").verifyComplete();
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.clock.advance(Duration.ofSeconds(1));
		StepVerifier.create(this.tokens.accessToken()).expectNext("short-lived").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void accessTokenWhenTheTokenLivesLongThenRenewedAMinuteBeforeItsEnd() {
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();

		this.clock.advance(Duration.ofDays(1).minusSeconds(61));
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.clock.advance(Duration.ofSeconds(1));
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	// RFC 6749 makes expires_in optional. Spring Security then dates the token to expire
	// a second after issue, inside the 60 s renewal margin at once: every directory call
	// sent another token request.
	@Test
	void accessTokenWhenTheAnswerHasNoExpiresInThenAnOpaqueTokenIsKeptForMinutes() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson("{\"access_token\":\"no-lifetime\",\"token_type\":\"Bearer\"}")));

		for (int i = 0; i < 3; i++) {
			StepVerifier.create(this.tokens.accessToken()).expectNext("no-lifetime").verifyComplete();
		}
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.clock.advance(Duration.ofMinutes(5));
		StepVerifier.create(this.tokens.accessToken()).expectNext("no-lifetime").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void accessTokenWhenTheAnswerHasNoExpiresInThenAJwtIsKeptUntilItsExp() {
		String jwt = jwtExpiringAt(this.clock.instant().plus(Duration.ofHours(2)));
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson("{\"access_token\":\"" + jwt + "\",\"token_type\":\"Bearer\"}")));

		StepVerifier.create(this.tokens.accessToken()).expectNext(jwt).verifyComplete();
		this.clock.advance(Duration.ofMinutes(90));
		StepVerifier.create(this.tokens.accessToken()).expectNext(jwt).verifyComplete();
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	// A wrong secret or a missing client grant fails every token request: without a
	// memory of the failure, every uncached GET /me and every PATCH sent another one,
	// spending the tenant's Authentication API budget that logins and refreshes share.
	@Test
	void accessTokenWhenTheTokenEndpointRefusesThenCallersWaitOutABackoffWithoutRequests() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"access_denied\",\"error_description\":\"Unauthorized\"}")));

		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		for (int i = 0; i < 5; i++) {
			StepVerifier.create(this.tokens.accessToken())
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DirectoryTokenUnavailable.class)
					.extracting((e) -> ((DirectoryTokenUnavailable) e).retryAfter())
					.isEqualTo(Duration.ofSeconds(1)))
				.verify(Duration.ofSeconds(5));
		}
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.clock.advance(Duration.ofSeconds(1));
		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
		StepVerifier.create(this.tokens.accessToken())
			.expectErrorSatisfies((ex) -> assertThat(((DirectoryTokenUnavailable) ex).retryAfter())
				.as("the wait doubles with each failure in a row")
				.isEqualTo(Duration.ofSeconds(2)))
			.verify(Duration.ofSeconds(5));
	}

	// A wrong secret, a missing client grant or a client without the client-credentials
	// grant refuses every token request, and every uncached /me answered 503 while the
	// log said only "test token request failed (access_denied)", like an outage's, at
	// each backoff step. It is the operator's mistake: one ERROR a minute says what to
	// check. (auth0-contract.md section 7: Auth0 answers access_denied to a wrong secret
	// and to a missing grant, unauthorized_client to a disabled grant type; Keycloak
	// invalid_client to a wrong secret, unauthorized_client without a service account.)
	@ParameterizedTest
	@CsvSource({ "401, access_denied", "403, access_denied", "401, invalid_client", "400, unauthorized_client" })
	void accessTokenWhenTheTokenEndpointRefusesOurClientThenOneErrorAMinuteSayingWhatToCheck(int status, String code,
			CapturedOutput output) {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(oauthError(status, code)));

		for (Duration backoff : List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4))) {
			StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
			this.clock.advance(backoff);
		}
		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		this.idp.verify(4, postRequestedFor(urlPathEqualTo("/oauth/token")));

		assertThat(refusalLines(output)).singleElement()
			.asString()
			.contains("ERROR", code, WHAT_TO_CHECK)
			.doesNotContain("test-only-secret");

		this.clock.advance(Duration.ofMinutes(1));
		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		assertThat(refusalLines(output)).hasSize(2).last().asString().contains("4 since the last report");
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 503 })
	void accessTokenWhenTheTokenEndpointFailsOtherwiseThenAWarningWithoutTheSettings(int status,
			CapturedOutput output) {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(status)));

		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));

		assertThat(output.getOut()).contains("WARN").doesNotContain(WHAT_TO_CHECK).doesNotContain("ERROR");
	}

	private static List<String> refusalLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains(WHAT_TO_CHECK)).toList();
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder oauthError(int status,
			String code) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"" + code + "\",\"error_description\":\"Unauthorized\"}");
	}

	// Auth0's 429 says when to come back (auth0-contract.md §7: Retry-After on a quota,
	// X-RateLimit-Reset always). The headers were never read: the token was asked for
	// again after 1 s, 2 s, 4 s, each time spending the tenant's Authentication API
	// bucket
	// that users' logins share, and callers were told to come back in 5 s.
	@ParameterizedTest
	@ValueSource(ints = { 429, 503 })
	void accessTokenWhenTheTokenEndpointAsksToWaitWithRetryAfterThenNoRequestBeforeThatWait(int status) {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(tooManyRequests(status).withHeader("Retry-After", "30")));

		expectUnavailableFor(Duration.ofSeconds(30));
		expectUnavailableFor(Duration.ofSeconds(30));
		this.clock.advance(Duration.ofSeconds(29));
		expectUnavailableFor(Duration.ofSeconds(1));
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json"))));
		this.clock.advance(Duration.ofSeconds(1));
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void accessTokenWhenTheTokenEndpointAsksToWaitWithXRateLimitResetOnlyThenNoRequestBeforeTheReset() {
		long reset = this.clock.instant().getEpochSecond() + 30;
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(tooManyRequests(429).withHeader("X-RateLimit-Reset", Long.toString(reset))));

		StepVerifier.create(this.tokens.accessToken())
			.expectErrorSatisfies((ex) -> assertThat(((DirectoryTokenUnavailable) ex).retryAfter())
				.isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30)))
			.verify(Duration.ofSeconds(5));
		this.clock.advance(Duration.ofSeconds(29));
		StepVerifier.create(this.tokens.accessToken())
			.expectError(DirectoryTokenUnavailable.class)
			.verify(Duration.ofSeconds(5));
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.clock.advance(Duration.ofSeconds(1));
		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void accessTokenWhenTheTokenEndpointAnswers429WithoutAWaitThenTheBackoffAlone() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(tooManyRequests(429)));

		expectUnavailableFor(Duration.ofSeconds(1));
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
		this.clock.advance(Duration.ofSeconds(1));
		expectUnavailableFor(Duration.ofSeconds(2));
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	// Retries back to back would spend the bucket as fast as before: a wait the endpoint
	// names that is shorter than the backoff gives way to it.
	@Test
	void accessTokenWhenTheTokenEndpointAsksForLessThanTheBackoffThenTheBackoff() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(tooManyRequests(429)));
		expectUnavailableFor(Duration.ofSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		expectUnavailableFor(Duration.ofSeconds(2));
		this.clock.advance(Duration.ofSeconds(2));
		this.idp.stubFor(
				post(urlPathEqualTo("/oauth/token")).willReturn(tooManyRequests(429).withHeader("Retry-After", "1")));

		expectUnavailableFor(Duration.ofSeconds(4));
		this.idp.verify(3, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	// A quota of a day, or a clock far from Auth0's, must not stop the directory for as
	// long: one token request every few minutes costs the bucket nothing.
	@Test
	void accessTokenWhenTheTokenEndpointAsksToWaitHoursThenAskedAgainWithinMinutes() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(tooManyRequests(429).withHeader("Retry-After", "86400")));

		expectUnavailableFor(ClientCredentialsTokens.MAX_ASKED_WAIT);
		this.clock.advance(ClientCredentialsTokens.MAX_ASKED_WAIT);
		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	/**
	 * The next call fails without a token request, telling its caller to come back in
	 * {@code wait}; the first caller after a failed request hears the same.
	 */
	private void expectUnavailableFor(Duration wait) {
		StepVerifier.create(this.tokens.accessToken())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DirectoryTokenUnavailable.class)
				.extracting((e) -> ((DirectoryTokenUnavailable) e).retryAfter())
				.isEqualTo(wait))
			.verify(Duration.ofSeconds(5));
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder tooManyRequests(int status) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"too_many_requests\",\"error_description\":\"Client quota exceeded\"}");
	}

	// A renewal is asked for before the token expires (here 15 s, half its life): a
	// failed one, and the backoff after it, must not refuse callers while the token they
	// hold is still good.
	@Test
	void accessTokenWhenARenewalFailsWhileTheTokenIsStillValidThenThatTokenServes() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson("{\"access_token\":\"short-lived\",\"token_type\":\"Bearer\",\"expires_in\":30}")));
		StepVerifier.create(this.tokens.accessToken()).expectNext("short-lived").verifyComplete();
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(503)));
		this.clock.advance(Duration.ofSeconds(15));

		StepVerifier.create(this.tokens.accessToken()).expectNext("short-lived").verifyComplete();
		StepVerifier.create(this.tokens.accessToken())
			.as("while backing off")
			.expectNext("short-lived")
			.verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.clock.advance(Duration.ofSeconds(15));
		StepVerifier.create(this.tokens.accessToken())
			.as("expired, and the endpoint still failing")
			.expectError()
			.verify(Duration.ofSeconds(5));
	}

	// The identity-provider client's response timeout bounds each wait between two reads,
	// not the whole answer: a token endpoint (or a proxy) that sent its head and then a
	// byte a second held the one token request in flight for as long, and every caller
	// with it (each uncached GET /me answered the request deadline's 503, and her changes
	// queued behind one waiting for the token got 429). The request now fails at its own
	// timeout and backs off as any failed request does.
	@Test
	void accessTokenWhenTheAnswerTricklesInThenItFailsAtTheRequestTimeoutAndBacksOff() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json")).withChunkedDribbleDelay(10, 20_000)));
		// a piece every 2 s: each comes well within the client's response timeout
		WebClient.Builder identityProviderClient = WebClient.builder()
			.clientConnector(
					new ReactorClientHttpConnector(HttpClient.create().responseTimeout(Duration.ofSeconds(5))));
		ClientCredentialsTokens hasty = tokens(identityProviderClient, Duration.ofMillis(500));

		StepVerifier.create(hasty.accessToken())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DirectoryTokenUnavailable.class)
				.hasCauseInstanceOf(TimeoutException.class))
			.verify(Duration.ofSeconds(10));
		StepVerifier.create(hasty.accessToken())
			.expectErrorSatisfies((ex) -> assertThat(((DirectoryTokenUnavailable) ex).retryAfter())
				.as("the backoff after a failed request")
				.isEqualTo(Duration.ofSeconds(1)))
			.verify(Duration.ofSeconds(5));
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json"))));
		this.clock.advance(Duration.ofSeconds(1));
		StepVerifier.create(hasty.accessToken()).expectNext("test-access-token").verifyComplete();
	}

	// The backoff's end is an instant on the wall clock: stepped back an hour (a VM
	// restored, NTP), no token request was made for an hour and a second, and every
	// directory call failed meanwhile. An end further ahead than the failure's own wait
	// is taken as passed.
	@Test
	void accessTokenWhenTheClockStepsBackWhileBackingOffThenTheNextCallFetches() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(503)));
		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json"))));

		this.clock.advance(Duration.ofHours(-1));

		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	// A step back shorter than the longest wait a failure may set (5 min) still held a
	// 1 s backoff for the length of the step: chrony stepping 10 s back kept every
	// directory call without a token for 11 s. The bound is the failure's own wait.
	@Test
	void accessTokenWhenTheClockStepsBackFurtherThanTheBackoffThenTheNextCallFetches() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(503)));
		expectUnavailableFor(Duration.ofSeconds(1));
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json"))));

		this.clock.advance(Duration.ofSeconds(-10));

		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	// A step back shorter than the part of the wait already waited leaves the backoff
	// running, only as much longer as the step: its end is still no further ahead than
	// the wait, and asking earlier would only spend the tenant's bucket.
	@Test
	void accessTokenWhenTheClockStepsBackLessThanTheWaitHasRunThenTheBackoffHolds() {
		this.idp.stubFor(
				post(urlPathEqualTo("/oauth/token")).willReturn(tooManyRequests(429).withHeader("Retry-After", "30")));
		expectUnavailableFor(Duration.ofSeconds(30));
		this.clock.advance(Duration.ofSeconds(20));

		this.clock.advance(Duration.ofSeconds(-5));

		expectUnavailableFor(Duration.ofSeconds(15));
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void forgetWhenBackingOffThenTheNextCallFetchesAtOnce() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(503)));
		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json"))));

		StepVerifier.create(this.tokens.forget().then(this.tokens.accessToken()))
			.expectNext("test-access-token")
			.verifyComplete();
	}

	@Test
	void accessTokenWhenTheTokenEndpointRecoversThenTheBackoffIsForgotten() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(503)));
		StepVerifier.create(this.tokens.accessToken()).expectError().verify(Duration.ofSeconds(5));
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json"))));
		this.clock.advance(Duration.ofSeconds(1));

		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		StepVerifier.create(this.tokens.forget().then(this.tokens.accessToken()))
			.expectNext("test-access-token")
			.verifyComplete();
		this.idp.verify(3, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void invalidateWhenTokenRejectedThenNextCallFetchesAgain() {
		StepVerifier.create(this.tokens.accessToken().flatMap((t) -> this.tokens.invalidate(t))).verifyComplete();
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	private static String jwtExpiringAt(java.time.Instant exp) {
		java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
		return base64.encodeToString("{\"alg\":\"RS256\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
				+ base64.encodeToString(
						("{\"exp\":" + exp.getEpochSecond() + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
				+ ".c2ln";
	}

}
