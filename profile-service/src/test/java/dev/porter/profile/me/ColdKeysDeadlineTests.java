package dev.porter.profile.me;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * The request deadline ({@code PROFILE_REQUEST_DEADLINE}) counts the token check too: an
 * instance just started (or meeting a new signing key) fetches the IdP's keys before it
 * can check a token, and a slow IdP made that wait outlast the gateway's relay timeout,
 * whose own time-out counts against its relay circuit for every user. One test alone in
 * its own context, so that its keys are not fetched yet. Test settings: a 2 s deadline;
 * the keys' client waits 12 s.
 */
@TestPropertySource(properties = { "porter.test.request-deadline=2s", "porter.test.userinfo.deadline=1s",
		"porter.test.management.deadline=1s", "porter.test.cold-keys=true" })
class ColdKeysDeadlineTests extends ProfileServiceIntegrationTest {

	@Test
	void getMeWhenTheKeysAnswerPastTheRequestDeadlineThenServiceUnavailableProblem() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.idp()
			.stubFor(
					get(urlEqualTo("/.well-known/jwks.json")).willReturn(okJson(TestJwts.jwks()).withFixedDelay(8000)));

		// as long as the gateway waits by default (RELAY_RESPONSE_TIMEOUT)
		this.client.mutate()
			.responseTimeout(Duration.ofSeconds(5))
			.build()
			.get()
			.uri("/me")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-unavailable");
	}

}
