package dev.porter.profile.me;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deadlines as shipped ({@code application.yml}), which every other integration test
 * lengthens: an upstream's own deadline must end before the request's, or what it maps
 * its timeout to (the upstream's last answer) never reaches a caller. Shipped with 5 s
 * upstream deadlines under a 4 s request deadline, a user whose {@code /userinfo} kept
 * answering 429 got {@code 503 upstream-unavailable}, which the gateway counts against
 * its relay circuit for everybody, instead of her own 429.
 * <p>
 * Her {@code /userinfo} answers her first two attempts at once, 429 with a 2 s wait (the
 * longest a retry honours): the upstream's 3.5 s deadline ends during the second wait,
 * and no attempt's own 2 s timeout is running. The third attempt, should a deadline
 * firing late let it start, is held until she has her answer, so that the deadline still
 * ends the retry. (Answers delayed by 1.5 s raced that timeout: one served late on a
 * loaded machine timed out, and she got 503.)
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
	void getMeWhenTheUpstreamDeadlineEndsWhileRetryingTheUsersRateLimitThenTooManyRequests() throws Exception {
		upstreams.releaseHeldAnswers();
		upstreams.reset();
		String token = TestJwts.mint(upstreams.issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(429).withHeader("Retry-After", "2")));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));
		HeldAnswer first = upstreams.holdIdpAnswer("/userinfo", "");
		HeldAnswer second = upstreams.holdIdpAnswer("/userinfo", "");
		// the third, should a late deadline let it start, until she has her answer
		HeldAnswer third = upstreams.holdIdpAnswer("/userinfo", "");

		CompletableFuture<EntityExchangeResult<String>> answer = getMeInBackground(token);
		answerAsItArrives(first);
		answerAsItArrives(second);
		EntityExchangeResult<String> result = answer.get(10, TimeUnit.SECONDS);
		third.release();

		assertThat(result.getStatus().value()).isEqualTo(429);
		assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotNull();
	}

	private static void answerAsItArrives(HeldAnswer attempt) throws Exception {
		attempt.awaitReached();
		attempt.release();
	}

	private CompletableFuture<EntityExchangeResult<String>> getMeInBackground(String token) {
		return CompletableFuture.supplyAsync(() -> WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.build()
			.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectBody(String.class)
			.returnResult());
	}

}
