package dev.porter.profile.me;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 4xx that the caller's own request earned upstream reaches that caller as a 4xx
 * problem, is not retried, and counts against no circuit breaker: it must not become a
 * 502 that the gateway's breaker and profile-service's own count as an outage for
 * everybody.
 */
@TestPropertySource(properties = "porter.test.userinfo.deadline=3s")
class CallerCausedRefusalTests extends ProfileServiceIntegrationTest {

	private static final int WRITES = 20;

	private String alice() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		return token;
	}

	@ParameterizedTest
	@CsvSource({ "400, 422, request-refused", "409, 409, request-refused", "413, 413, request-refused",
			"422, 422, request-refused" })
	void patchMetadataWhenManagementRefusesTheChangeThenCallerGetsClientErrorNoRetryAndCircuitUntouched(int auth0Status,
			int expectedStatus, String problemType) {
		String token = alice();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(auth0Status)
				.withHeader("Content-Type", "application/json")
				.withBody(Fixtures.read("management/error-profile-too-large.json"))));

		for (int i = 0; i < WRITES; i++) {
			patchMetadata(token, "{\"theme\":\"dark\"}").expectStatus()
				.isEqualTo(expectedStatus)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://porter.example/problems/" + problemType)
				.jsonPath("$.detail")
				.value((detail) -> assertThat(detail.toString()).contains("Nothing was changed")
					.doesNotContain("Payload validation error", "invalid_body"));
		}

		upstreams.management().verify(WRITES, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		CircuitBreaker.Metrics metrics = managementCircuit().getMetrics();
		assertThat(metrics.getNumberOfFailedCalls()).isZero();
		assertThat(managementCircuit().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").doesNotExist();
	}

	@ParameterizedTest
	@CsvSource({ "400", "401", "403" })
	void getMeWhenUserinfoRefusesCallersTokenThenUnauthorizedAndUserinfoCircuitUntouched(int status) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(status)
				.withHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")
				.withBody("Unauthorized")));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));

		for (int i = 0; i < WRITES; i++) {
			getMe(token).expectStatus().isUnauthorized();
			pastTheFailedLoadPause();
		}

		upstreams.idp().verify(WRITES, getRequestedFor(urlEqualTo("/userinfo")));
		assertThat(this.userinfo.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	// An answer about nobody (Auth0 has been seen answering 200 {} to a token without
	// openid) is this caller's: counted, ten of them opened the userinfo circuit, and
	// every user without a cached entry got 503.
	@Test
	void getMeWhenUserinfoAnswersAboutSomeoneElseThenBadGatewayAndUserinfoCircuitUntouched() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp().stubFor(get(urlEqualTo("/userinfo")).willReturn(okJson("{}")));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));

		for (int i = 0; i < WRITES; i++) {
			getMe(token).expectStatus().isEqualTo(502);
			pastTheFailedLoadPause();
		}

		upstreams.idp().verify(WRITES, getRequestedFor(urlEqualTo("/userinfo")));
		assertThat(this.userinfo.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	// Auth0 keys /userinfo's limit to the user: the user's own limit, so a 429 (the
	// design's answer to a caller over its limit). A 503 would be counted by the
	// gateway's
	// relay breaker, and one user signing in ten times could open it for everybody.
	@Test
	void getMeWhenUserinfoRateLimitsThisUserThenTooManyRequestsAndUserinfoCircuitUntouched() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(429)
				.withHeader("X-RateLimit-Limit", "5")
				.withHeader("X-RateLimit-Remaining", "0")
				.withHeader("X-RateLimit-Reset", Long.toString(java.time.Instant.now().getEpochSecond() + 60))));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));

		for (int i = 0; i < WRITES; i++) {
			getMe(token).expectStatus()
				.isEqualTo(429)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER);
		}

		assertThat(this.userinfo.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	// Each 429 came after 1.2 s with a wait the retry honours: the request deadline (3 s
	// here) ran out during the retry, and the bare timeout answered 503, which dropped
	// the user's own wait and told the gateway the service was failing.
	@Test
	void getMeWhenTheDeadlineEndsWhileRetryingTheUsersRateLimitThenStillTooManyRequests() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(429)
				.withHeader("X-RateLimit-Reset", Long.toString(java.time.Instant.now().getEpochSecond() + 2))
				.withFixedDelay(1200)));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));

		getMe(token).expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
	}

}
