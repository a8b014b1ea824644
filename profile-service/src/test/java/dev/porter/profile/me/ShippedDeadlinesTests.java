package dev.porter.profile.me;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * The deadlines as shipped ({@code application.yml}), which every other integration test
 * lengthens: an upstream's own deadline must end before the request's, or what it maps
 * its timeout to (the upstream's last answer) never reaches a caller. Shipped with 5 s
 * upstream deadlines under a 4 s request deadline, a user whose {@code /userinfo} kept
 * answering 429 got {@code 503 upstream-unavailable}, which the gateway counts against
 * its relay circuit for everybody, instead of her own 429.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ShippedDeadlinesTests {

	private static final Upstreams upstreams = Upstreams.instance();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreamProperties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", upstreams::issuer);
		registry.add("porter.directory.auth0.base-uri", upstreams::managementUri);
		registry.add("porter.directory.auth0.token-uri", () -> upstreams.issuer() + "oauth/token");
		registry.add("porter.directory.auth0.client-id", () -> "porter-profile");
		registry.add("porter.directory.auth0.client-secret", () -> "test-only-secret");
	}

	@Test
	void getMeWhenTheUpstreamDeadlineEndsWhileRetryingTheUsersRateLimitThenTooManyRequests() {
		upstreams.releaseHeldAnswers();
		upstreams.reset();
		String token = TestJwts.mint(upstreams.issuer(), Upstreams.ALICE);
		// Each attempt answered after 1.5 s: the third cannot end before 4.5 s.
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(429)
				.withHeader("X-RateLimit-Reset", Long.toString(java.time.Instant.now().getEpochSecond() + 2))
				.withFixedDelay(1500)));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));

		WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.build()
			.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
	}

}
