package dev.porter.profile.me;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream budgets every user shares (the tenant's Management API, this instance's
 * {@code /userinfo}) against one caller who loops: her valid changes, or lookups that
 * always fail, or reads after {@code /userinfo} said to wait. Another user's miss must
 * still be served. Test settings: a Management API budget of 12 calls (an hour, so that
 * it does not refill during the test), spent at once or refused; 3 upstream calls at once
 * per caller, then one a second. The caches' clock moves only when a test moves it.
 */
@TestPropertySource(properties = { "porter.test.management.rate-limit-for-period=12",
		"porter.resilience.management.rate-limit-period=1h", "porter.resilience.management.rate-limit-wait=0s",
		"porter.test.caller-upstream-limit-for-period=3", "porter.api.caller-upstream-limit-period=3s" })
class OneCallersUpstreamShareTests extends ProfileServiceIntegrationTest {

	private static final int LOOP = 20;

	private static final String MALLORY = "auth0|5f7c8ec7c33c6c004bbafe82";

	private static final String MALLORY_PATH = "/api/v2/users/auth0%7C5f7c8ec7c33c6c004bbafe82";

	/** A client-credentials token for API_AUDIENCE (auth0-contract.md §10). */
	private static final String MACHINE = "CS2MNgcX1VZFCJaEzfKw2VPAAS0gzhqP@clients";

	// Each caller's share is kept across tests, and refills as the caches' clock moves.
	@BeforeEach
	void everyCallersShareRefilled() {
		this.ticker.advance(Duration.ofMinutes(1));
	}

	private String alice() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		return token;
	}

	private String mallory() {
		String token = TestJwts.mint(issuer(), MALLORY);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(okJson(Fixtures.read("userinfo/recorded.json").replace(Upstreams.ALICE, MALLORY))));
		String user = Fixtures.read("management/user-recorded.json").replace(Upstreams.ALICE, MALLORY);
		upstreams.management().stubFor(get(urlEqualTo(MALLORY_PATH)).willReturn(okJson(user)));
		upstreams.management().stubFor(patch(urlEqualTo(MALLORY_PATH)).willReturn(okJson(user)));
		return token;
	}

	@Test
	void patchMetadataWhenOneUserLoopsValidChangesThenAnotherUsersMissIsStillServed() {
		String mallory = mallory();
		int refused = 0;
		for (int i = 0; i < LOOP; i++) {
			EntityExchangeResult<byte[]> answer = patchMetadata(mallory, "{\"n\":" + i + "}").expectBody()
				.returnResult();
			if (answer.getStatus().value() == 429) {
				refused++;
				assertThat(answer.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
				assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
				assertThat(new String(answer.getResponseBodyContent())).contains("/problems/rate-limited", "3 calls");
			}
			else {
				assertThat(answer.getStatus().value()).as("change %d", i).isEqualTo(200);
			}
		}
		assertThat(refused).as("changes over her upstream budget").isPositive();
		assertThat(managementCalls(MALLORY_PATH)).as("her Management API calls").isLessThanOrEqualTo(3);

		getMe(alice()).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; fwd=uri-miss; stored");
	}

	// A token whose lookups always fail: /userinfo refuses it, the Management API has no
	// such user. Each GET /me cost one call to each. The directory's 404 is about the
	// user and is remembered for a few seconds; /userinfo's 401 is about that one token
	// (another device's may be accepted), so it is bounded by the caller's share.
	@Test
	void getMeWhenOneTokensLookupsAlwaysFailThenTheyAreNotRepeatedAndAnotherUsersMissIsStillServed() {
		String machine = TestJwts.mint(issuer(), MACHINE,
				(claims) -> claims.audience(TestJwts.AUDIENCE)
					.claim("azp", "CS2MNgcX1VZFCJaEzfKw2VPAAS0gzhqP")
					.claim("gty", "client-credentials")
					.claim("scope", "scope1 scope2"));
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + machine))
				.willReturn(Upstreams.status(401)
					.withHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
					.withHeader(HttpHeaders.WWW_AUTHENTICATE,
							"Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"Invalid token\"")
					.withBody("Unauthorized")));
		upstreams.management()
			.stubFor(get(urlPathMatching("/api/v2/users/CS2M.*")).willReturn(Upstreams.status(404)
				.withHeader(HttpHeaders.CONTENT_TYPE, "application/json")
				.withBody(Fixtures.read("management/error-not-found.json"))));

		for (int i = 0; i < LOOP; i++) {
			getMe(machine).expectStatus()
				.value((status) -> assertThat(status).as("a failure's own answer, or the share's").isIn(401, 404, 429));
		}
		int userinfoCalls = userinfoCalls(machine);
		// the first GET spends two of her three (both caches), the second one more (the
		// directory's 404 is remembered, /userinfo's 401 is not); then her share is spent
		assertThat(userinfoCalls).as("within the caller's share").isEqualTo(2);
		assertThat(managementCalls("/api/v2/users/CS2M.*")).isEqualTo(1);
		getMe(alice()).expectStatus().isOk();

		// not for long: a few seconds later they are asked again
		this.ticker.advance(Duration.ofSeconds(5));
		getMe(machine).expectStatus().value((status) -> assertThat(status).isIn(401, 404));
		Eventually.await("both asked once more", Duration.ofSeconds(10),
				() -> userinfoCalls(machine) == userinfoCalls + 1 && managementCalls("/api/v2/users/CS2M.*") == 2);
	}

	// Auth0 keys /userinfo's limit to the user (5 a minute): after its 429 the stale
	// entry was kept, but each later read started another revalidation whatever
	// X-RateLimit-Reset said, so her bucket never refilled and each read spent the
	// instance's /userinfo budget.
	@Test
	void getMeWhenARevalidationWasRateLimitedThenNotRevalidatedBeforeItsWait() {
		String token = alice();
		getMe(token).expectStatus().isOk();
		this.ticker.advance(Duration.ofMinutes(5).plusSeconds(1));
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(Upstreams.status(429)
					.withHeader(HttpHeaders.CONTENT_TYPE, "application/json")
					.withHeader("X-RateLimit-Limit", "5")
					.withHeader("X-RateLimit-Remaining", "0")
					// about 10 s from now, on the service's clock
					.withHeader("X-RateLimit-Reset", Long.toString(Instant.now().getEpochSecond() + 10))
					.withBody("{\"error\":\"too_many_requests\",\"error_description\":\"Too Many Requests\"}")));

		getMe(token).expectStatus().isOk();
		Eventually.await("the revalidation refused", Duration.ofSeconds(10), () -> userinfoCalls(token) == 2);
		Eventually.await("the refusal kept", Duration.ofSeconds(10),
				() -> cacheStatus(token).endsWith("detail=stale-upstream-error"));
		for (int i = 0; i < 5; i++) {
			getMe(token).expectStatus().isOk();
			this.ticker.advance(Duration.ofSeconds(1));
		}
		// 5 s on, within the wait: a read now would have shown the calls of the reads
		// above; one past the wait asks again, once
		this.ticker.advance(Duration.ofSeconds(6));
		getMe(token).expectStatus().isOk();
		Eventually.await("asked again once the wait had passed", Duration.ofSeconds(10),
				() -> userinfoCalls(token) >= 3);
		assertThat(userinfoCalls(token)).isEqualTo(3);
	}

	private String cacheStatus(String token) {
		return getMe(token).expectStatus()
			.isOk()
			.returnResult(byte[].class)
			.getResponseHeaders()
			.getFirst("Cache-Status");
	}

	private int userinfoCalls(String token) {
		return upstreams.idp()
			.countRequestsMatching(
					getRequestedFor(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + token))
						.build())
			.getCount();
	}

	private int managementCalls(String pathPattern) {
		return upstreams.management()
			.countRequestsMatching(
					com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(urlPathMatching(pathPattern))
						.build())
			.getCount();
	}

}
