package dev.porter.profile.me;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.RateLimitReset;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each Management API failure, with and without a stale entry. Test settings: 2 s per
 * Management attempt, 3 attempts, 1 s longest honoured wait, 5 s deadline, circuit open
 * for 30 s. The attempt limit is shorter than the other integration tests' 6 s so that
 * the slow fault costs 2 s rather than 6 s: the time limiter runs on Reactor's timer,
 * which a running server cannot share with a virtual clock, and a shorter limit proves
 * the same thing. The slow read is one whose answer Auth0 holds until the test has seen
 * what its timeout led to, not a fixed delay a little longer than the attempt timeout:
 * that answer came in time whenever a loaded machine fired the timer late. The HTTP
 * client's response timeout was as long as the time limiter's, and when it fired first
 * the read was retried and answered {@code 200}: now it is a backstop at twice the
 * attempt, and ruled as the limiter's should it fire
 * ({@link ClientResponseTimeoutTests}).
 */
@TestPropertySource(properties = { "porter.test.management.attempt-timeout=2s", "porter.test.management.deadline=5s" })
class FailureMatrixTests extends ProfileServiceIntegrationTest {

	enum Fault {

		/**
		 * the first read's answer held past the attempt timeout: not retried (a retry
		 * would be answered at once)
		 */
		SLOW(1, 5),
		/** 500 on every attempt */
		SERVER_ERROR(3, 5),
		/**
		 * 429 whose reset is 30 s away: beyond the wait budget, not retried; the wait
		 * counts down from 30 s on the wall clock
		 */
		RATE_LIMITED(1, 30),
		/** port closed */
		CONNECTION_REFUSED(0, 5),
		/** the management circuit is open: no call at all */
		CIRCUIT_OPEN(0, 30);

		final int upstreamCalls;

		/** The {@code Retry-After} in seconds. */
		final long retryAfter;

		Fault(int upstreamCalls, long retryAfter) {
			this.upstreamCalls = upstreamCalls;
			this.retryAfter = retryAfter;
		}

	}

	/**
	 * Auth0's answer to the slow fault's read, held until the test has seen its outcome.
	 */
	private HeldAnswer slowRead;

	/** The reset the rate-limited fault's 429 names. */
	private RateLimitReset reset;

	@AfterEach
	void answerTheSlowRead() {
		if (this.slowRead != null) {
			this.slowRead.release();
		}
	}

	private String alice() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		return token;
	}

	private void inject(Fault fault) {
		switch (fault) {
			case SLOW -> this.slowRead = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "");
			case SERVER_ERROR -> upstreams.management()
				.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
					.willReturn(Upstreams.status(500).withBody("secret-internal-trace")));
			case RATE_LIMITED -> {
				this.reset = RateLimitReset.in(fault.retryAfter);
				upstreams.management()
					.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(429)
						.withHeader("Content-Type", "application/json")
						.withHeader("X-RateLimit-Limit", "2")
						.withHeader("X-RateLimit-Remaining", "0")
						.withHeader("X-RateLimit-Reset", this.reset.header())
						.withBody(Fixtures.read("management/error-rate-limit.json"))));
			}
			case CONNECTION_REFUSED -> upstreams.refuseManagement();
			case CIRCUIT_OPEN -> managementCircuit().transitionToOpenState();
		}
		upstreams.management().resetRequests();
	}

	private static long wholeSecondsUp(Duration wait) {
		return wait.getSeconds() + ((wait.getNano() > 0) ? 1 : 0);
	}

	@ParameterizedTest
	@EnumSource(Fault.class)
	void getMeWhenManagementFailsAndNothingCachedThenServiceUnavailableProblem(Fault fault) {
		String token = alice();
		inject(fault);
		Instant asked = Instant.now();
		WebTestClient.ResponseSpec response = getMe(token);
		Instant answered = Instant.now();
		EntityExchangeResult<String> result = response.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.returnResult();
		long retryAfter = Long.parseLong(String.valueOf(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)));
		if (fault == Fault.RATE_LIMITED) {
			// the seconds left until the reset when the 429 arrived, some time in between
			assertThat(retryAfter).isBetween(this.reset.retryAfterAt(answered), this.reset.retryAfterAt(asked));
		}
		else {
			assertThat(retryAfter).isEqualTo(fault.retryAfter);
		}
		assertThat(result.getResponseBody()).contains("\"status\":503")
			.contains("https://porter.example/problems/upstream-unavailable")
			.doesNotContain("secret-internal-trace", "too_many_requests", "Exception", "test-access-token");
		if (fault == Fault.SLOW) {
			// WireMock logs a request once it is answered; a retry would have been
			// answered at once, and 200
			assertThat(this.slowRead.reached()).as("the read reached Auth0").isDone();
		}
		else if (fault != Fault.CONNECTION_REFUSED) {
			upstreams.management().verify(fault.upstreamCalls, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		}
	}

	// The M2M token's 429 named its wait, but callers were told 5 s (the default for an
	// upstream that names none), then the token backoff's 1 s, 2 s, 4 s: each retry came
	// back to a token endpoint still refusing.
	@Test
	void getMeWhenTheManagementTokenEndpointAsksToWaitThenServiceUnavailableWithThatWait() {
		String token = alice();
		upstreams.idp()
			.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(Upstreams.status(429)
				.withHeader("Content-Type", "application/json")
				.withHeader("Retry-After", "30")
				.withBody("{\"error\":\"too_many_requests\",\"error_description\":\"Client quota exceeded\"}")));

		Instant firstAsked = Instant.now();
		for (int i = 0; i < 2; i++) {
			WebTestClient.ResponseSpec response = getMe(token);
			Duration since = Duration.between(firstAsked, Instant.now());
			String retryAfter = response.expectStatus()
				.isEqualTo(503)
				.returnResult(String.class)
				.getResponseHeaders()
				.getFirst(HttpHeaders.RETRY_AFTER);
			// 30 s from the token endpoint's answer, after the first request was sent:
			// what is left of them when this answer came, rounded up
			assertThat(Long.parseLong(String.valueOf(retryAfter)))
				.isBetween(wholeSecondsUp(Duration.ofSeconds(30).minus(since)), 30L);
		}
		upstreams.idp().verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
		upstreams.management().verify(0, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@ParameterizedTest
	@EnumSource(Fault.class)
	void getMeWhenManagementFailsAndStaleEntryExistsThenServesStaleFlaggedUpstreamError(Fault fault) {
		String token = alice();
		getMe(token).expectStatus().isOk();
		this.ticker.advance(Duration.ofMinutes(6));
		inject(fault);

		getMe(token).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; hit; ttl=-60")
			.expectBody()
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick");

		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		String status = "";
		while (System.nanoTime() < deadline && !status.contains("stale-upstream-error")) {
			status = getMe(token).expectStatus()
				.isOk()
				.returnResult(String.class)
				.getResponseHeaders()
				.getFirst("Cache-Status");
		}
		assertThat(status).isEqualTo("profile-service; hit; ttl=-60; detail=stale-upstream-error");
	}

	// The SPA shows its "saved copy" banner on detail=stale-upstream-error. With the
	// directory's entry stale after a failed revalidation and /userinfo missed (a new
	// scope, an evicted entry), the detail was lost: user_metadata up to an hour old
	// looked current.
	@Test
	void getMeWhenTheDirectoryAnswersStaleAfterAnErrorAndUserinfoMissesThenStillFlaggedUpstreamError() {
		String token = alice();
		getMe(token).expectStatus().isOk();
		this.ticker.advance(Duration.ofMinutes(6));
		inject(Fault.SERVER_ERROR);
		Eventually.await("the directory's revalidation failed", Duration.ofSeconds(15),
				() -> cacheStatus(token).contains("stale-upstream-error"));
		this.caches.userinfo().invalidateAll().join();

		getMe(token).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; fwd=uri-miss; stored; detail=stale-upstream-error")
			.expectBody()
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick");
	}

	private String cacheStatus(String token) {
		return getMe(token).expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst("Cache-Status");
	}

}
