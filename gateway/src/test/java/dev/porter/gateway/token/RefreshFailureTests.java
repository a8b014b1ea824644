package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token endpoint that fails during a refresh. A definitive refusal ends the session; a
 * failing IdP (500, 503, 429) or a rejected client makes the session back off, one
 * attempt per backoff interval (a minute here), and every request in between is answered
 * at once. The gateway's clock is a {@link MovableClock} that stands still unless a test
 * moves it, so the access token expires when the test says so and the whole minute of
 * backoff is left for every request.
 */
@TestPropertySource(properties = { "porter.token.refresh-backoff=1m", "porter.token.refresh-backoff-max=1m" })
@Import(MovableGatewayClock.class)
@ExtendWith(OutputCaptureExtension.class)
class RefreshFailureTests extends GatewayTestSupport {

	private static final int REQUESTS = 7;

	@Autowired
	private MovableClock clock;

	/**
	 * The test's IdP dates its ID tokens on the system clock; the gateway's clock starts
	 * each test there, and the gateway dates the tokens of the login on it.
	 */
	@BeforeEach
	void clockAtRealTime() {
		this.clock.moveTo(Instant.now());
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 503, 429 })
	void getMeWhenTokenEndpointFailsAndAccessTokenExpiredThen503WithRetryAfterAndOneAttempt(int status) {
		Browser browser = browser().login("auth0|alice", 30);
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), status, "temporarily_unavailable");
		// Past the token's expiry: it was issued 30 s before this, or less.
		this.clock.moveTo(Instant.now().plusSeconds(31));

		for (int i = 0; i < REQUESTS; i++) {
			browser.get("/me")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER)
				.expectHeader()
				.valueEquals(HttpHeaders.RETRY_AFTER, "60");
		}

		TestIdp.instance().verifyRefreshes(1);
		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	/**
	 * Relayed with 100 ms left, the token reached profile-service, whose call to the IdP
	 * found it expired: its 401 was relayed, and the SPA showed the user signed out while
	 * her session lived on. A moment later it would have been this 503.
	 */
	@Test
	void getMeWhenTokenEndpointFailsAndAccessTokenExpiresInAMomentThen503WithRetryAfterAndNothingRelayed() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		// The gateway dates the login's token on its clock, which stands still meanwhile.
		Instant loggedInAt = this.clock.instant();
		Browser browser = browser().login("auth0|alice", 30);
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), 503, "temporarily_unavailable");
		this.clock.moveTo(loggedInAt.plusSeconds(30).minusMillis(100));

		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "60");
		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 503, 429 })
	void getMeWhenTokenEndpointFailsAndAccessTokenStillValidThenRelaysItWithOneAttempt(int status) {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = browser().login("auth0|alice", 30);
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), status, "temporarily_unavailable");
		// Past half the token's 30 s: due for a refresh, not yet expired.
		this.clock.moveTo(Instant.now().plusSeconds(16));

		for (int i = 0; i < REQUESTS; i++) {
			browser.get("/me").exchange().expectStatus().isOk();
		}

		TestIdp.instance().verifyRefreshes(1);
		PROFILE.verify(REQUESTS, getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer " + browser.tokens().accessToken())));
	}

	// A tenant-wide 429 (or a 503) that says how long to wait: Retry-After in seconds or
	// as an HTTP-date, or Auth0's X-RateLimit-Reset. The session's own backoff (a minute
	// here) came back before that, spending the bucket that logins share; now no attempt
	// reaches the IdP before the wait it asked for, and the browser is told so.
	@ParameterizedTest
	@CsvSource({ "429, Retry-After, seconds", "429, Retry-After, date", "429, X-RateLimit-Reset, epoch",
			"503, Retry-After, seconds" })
	void getMeWhenTokenEndpointAsksToWaitLongerThanTheBackoffThenNoAttemptBeforeThenAndRetryAfterSaysSo(int status,
			String header, String form) {
		Browser browser = browser().login("auth0|alice", 30);
		this.clock.moveTo(Instant.now().plusSeconds(31));
		askToWait(browser, status, header, waitUntil(form, this.clock.instant().plusSeconds(120)));

		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "120");
		this.clock.advance(Duration.ofSeconds(60));
		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "60");
		TestIdp.instance().verifyRefreshes(1);

		this.clock.advance(Duration.ofSeconds(60));
		browser.get("/me").exchange().expectStatus().isEqualTo(503);
		TestIdp.instance().verifyRefreshes(2);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	@Test
	void getMeWhenTokenEndpointAsksToWaitAnHourThenFiveMinutes() {
		Browser browser = browser().login("auth0|alice", 30);
		askToWait(browser, 429, HttpHeaders.RETRY_AFTER, "3600");
		this.clock.moveTo(Instant.now().plusSeconds(31));

		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "300");
	}

	private static String waitUntil(String form, Instant until) {
		return switch (form) {
			case "seconds" -> "120";
			case "date" -> DateTimeFormatter.RFC_1123_DATE_TIME
				.format(until.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
			case "epoch" -> Long.toString(until.getEpochSecond());
			default -> throw new IllegalArgumentException(form);
		};
	}

	private static void askToWait(Browser browser, int status, String header, String value) {
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(aResponse().withStatus(status)
					.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
					.withHeader(header, value)
					.withBody(
							"{\"error\":\"too_many_requests\",\"error_description\":\"Global limit has been reached\"}")));
	}

	// Refusals that no retry changes: an Auth0 Action demanding MFA on refresh, OIDC
	// Core's interaction errors (Entra), RFC 6749's invalid_scope. The session's refresh
	// token is not dead at the IdP (an MFA demand may be lifted): its only copy goes with
	// the session, so it is revoked, as wherever else a session ends.
	@ParameterizedTest
	@CsvSource({ "403, mfa_required", "400, interaction_required", "400, login_required", "400, consent_required",
			"400, invalid_scope" })
	void getMeWhenTokenEndpointRefusesTheRefreshForGoodThenUnauthorizedAndSessionEnded(int status, String error) {
		Browser browser = browser().login("auth0|alice", 30);
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), status, error);
		this.clock.moveTo(Instant.now().plusSeconds(16));

		assertSignedOutWithNothingRelayed(browser);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + browser.tokens().refreshToken())));
	}

	// Dex answers a refresh token that is dead (its offline session revoked, unused past
	// refreshTokens.validIfNotUsedFor or older than absoluteLifetime, a rotated-away
	// token
	// presented again) with 400 invalid_request, as server/refreshhandlers.go writes it.
	// Taken for a passing failure, the session backed off up to TOKEN_REFRESH_BACKOFF_MAX
	// and every request got 503 until the session timed out, never a way to sign in
	// again.
	@ParameterizedTest
	@ValueSource(strings = {
			"clientID porter refresh token (ID 7u2ckc3ekmx2rwxbbq5cmn6wq) is invalid or has already been claimed by another client.",
			"Refresh token expired." })
	void getMeWhenDexAnswersTheRefreshWithInvalidRequestThenUnauthorizedWithLoginUrlAndSessionEnded(
			String description) {
		Browser browser = browser().login("auth0|alice", 30);
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), 400, "invalid_request", description);
		this.clock.moveTo(Instant.now().plusSeconds(31));

		assertSignedOutWithNothingRelayed(browser);
		// Dex's 400 does not say whether the token is dead: revoked, best-effort.
		TestIdp.instance().verifyRevocations(1, browser.tokens().refreshToken());
	}

	// Some Ory Hydra (fosite) versions answer a reused or rotated-away refresh token with
	// 401 token_inactive, and an IdP may send invalid_grant with 401: the refresh token
	// is
	// dead, not the gateway's client. Taken for a rejected client, the session was kept
	// backing off for ever with an error log that blamed OIDC_CLIENT_SECRET.
	@ParameterizedTest
	@CsvSource({ "401, token_inactive", "401, invalid_grant", "400, token_inactive" })
	void getMeWhenTokenEndpointSaysTheRefreshTokenIsDeadWith401ThenSessionEndedWithoutBlamingTheClient(int status,
			String error, CapturedOutput output) {
		Browser browser = browser().login("auth0|alice", 30);
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), status, error);
		this.clock.moveTo(Instant.now().plusSeconds(31));

		browser.get("/me").exchange().expectStatus().isUnauthorized();

		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance().verifyRevocations(0, browser.tokens().refreshToken());
		assertThat(output.getOut()).doesNotContain("OIDC_CLIENT_SECRET");
	}

	// Auth0 runs its post-login Actions on refresh and answers an Action that failed (its
	// roles API timed out, an uncaught error) with 403 access_denied, as it answers
	// api.access.deny(). Ending the session at the first one signed users out whenever
	// an Action's dependency was slow: the first denial backs off like a failing IdP,
	// and a second one in a row, once the backoff is over, ends the session and revokes
	// its refresh token (a denial may be lifted).
	@Test
	void getMeWhenTokenEndpointDeniesTheRefreshThenBacksOffAndADenialAgainAfterTheBackoffEndsTheSession() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = browser().login("auth0|alice", 30);
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), 403, "access_denied");
		// Due for a refresh, still valid: the denied refresh leaves it relayed.
		this.clock.moveTo(Instant.now().plusSeconds(16));
		browser.get("/me").exchange().expectStatus().isOk();
		// Expired, within the backoff: no attempt, 503 with what is left of the wait.
		this.clock.advance(Duration.ofSeconds(15));
		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "45");
		TestIdp.instance().verifyRefreshes(1);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		TestIdp.instance().verifyRevocations(0, browser.tokens().refreshToken());

		this.clock.advance(Duration.ofSeconds(45));
		browser.get("/me")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login");

		TestIdp.instance().verifyRefreshes(2);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance().verifyRevocations(1, browser.tokens().refreshToken());
		PROFILE.verify(1, getRequestedFor(urlPathEqualTo("/me")));
	}

	// Auth0 answers a wrong client secret with 401 access_denied, Keycloak with 401
	// unauthorized_client (RFC 6749 reserves 401 for a client that failed to
	// authenticate), and unauthorized_client says the client may not use the grant: every
	// session's refresh fails alike, and a new login would not help, so the sessions back
	// off until the operator fixes it, where ending them signed every user out.
	@ParameterizedTest
	@CsvSource({ "401, access_denied", "401, unauthorized_client", "400, unauthorized_client", "401, invalid_request" })
	void getMeWhenTokenEndpointRejectsTheClientThen503WithRetryAfterAndSessionKept(int status, String error) {
		Browser browser = browser().login("auth0|alice", 30);
		TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), status, error);
		this.clock.moveTo(Instant.now().plusSeconds(31));

		for (int i = 0; i < REQUESTS; i++) {
			browser.get("/me")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.valueEquals(HttpHeaders.RETRY_AFTER, "60");
		}

		TestIdp.instance().verifyRefreshes(1);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	// A wrong client secret fails every session's refresh alike: one line per session and
	// backoff step was thousands of identical lines a minute.
	@Test
	void getMeWhenTokenEndpointRejectsTheClientForManySessionsThenOneErrorLinePerInterval(CapturedOutput output) {
		List<Browser> browsers = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			Browser browser = browser().login("auth0|alice" + i, 30);
			TestIdp.instance().stubRefreshRefused(browser.tokens().refreshToken(), 401, "invalid_client");
			browsers.add(browser);
		}
		// Past the tokens' expiry, and past any report an earlier test made.
		this.clock.moveTo(Instant.now().plus(RefreshFailureLog.INTERVAL).plusSeconds(31));

		for (Browser browser : browsers) {
			browser.get("/me").exchange().expectStatus().isEqualTo(503);
		}

		assertThat(output.getOut().lines().filter((line) -> line.contains("OIDC_CLIENT_SECRET"))).hasSize(1);
	}

	/**
	 * The request gets the 401 problem naming where to sign in again, the session is
	 * over, and nothing reached profile-service.
	 */
	private static void assertSignedOutWithNothingRelayed(Browser browser) {
		browser.expectLoginRequired("/me");
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
	}

}
