package dev.porter.profile.me;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code 404} means "no such user" only where Auth0 says so: the Management API's
 * {@code errorCode: "inexistent_user"} (contract §2, §5). {@code /userinfo} answers a
 * valid token, and documents only 401 and 429 (§1). A wrong {@code OIDC_USERINFO_URI}, a
 * wrong route or a proxy's 404 page told every user "User not found", logged nothing,
 * counted on no breaker, and dropped cached profiles as if their users were gone.
 * <p>
 * A context of its own (the deadline is the shared one's): the handler logs one line per
 * kind of answer and minute, and another class's userinfo {@code 502} less than a minute
 * before would have taken this one's.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "porter.test.userinfo.deadline=12s")
class NotFoundAnswerTests extends ProfileServiceIntegrationTest {

	private static final String PROXY_PAGE = "<html><body><h1>404 Not Found</h1>nginx</body></html>";

	@Test
	void getMeAndPatchMetadataWhenUserinfoAnswersNotFoundThenBadGatewayLoggedAndCounted(CapturedOutput output) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).willReturn(
					Upstreams.status(404).withHeader(HttpHeaders.CONTENT_TYPE, "text/html").withBody(PROXY_PAGE)));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded.json"))));

		expectBadGateway(getMe(token), "userinfo");
		expectBadGateway(patchMetadata(token, "{\"theme\":\"dark\"}"), "userinfo");

		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
		assertThat(this.userinfo.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
		assertThat(output.getAll()).contains("answered 502").contains("userinfo bad_response 404");
	}

	/**
	 * Auth0's user-not-found carries {@code errorCode: "inexistent_user"}; another 404
	 * (an unknown route, answered without it; a proxy's page; nothing) is not about her.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"Not Found\"}",
			"{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"The role does not exist.\"}", PROXY_PAGE, "" })
	void getMeWhenManagementAnswersNotFoundWithoutInexistentUserThenBadGatewayAndCounted(String body) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(404)
				.withHeader(HttpHeaders.CONTENT_TYPE, body.startsWith("{") ? "application/json" : "text/html")
				.withBody(body)));

		expectBadGateway(getMe(token), "management");

		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void patchMetadataWhenManagementAnswersTheChangeNotFoundWithoutInexistentUserThenBadGateway() {
		String token = aliceReadOnce();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(
					Upstreams.status(404).withHeader(HttpHeaders.CONTENT_TYPE, "text/html").withBody(PROXY_PAGE)));

		expectBadGateway(patchMetadata(token, "{\"theme\":\"dark\"}"), "management");

		// her profile is still there: it is the answer that was wrong, not her
		getMe(token).expectStatus().isOk();
	}

	/** The contract's body: the one 404 that is an answer about her. */
	@Test
	void getMeWhenManagementAnswersInexistentUserThenNotFoundAndNotCounted() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(404)
				.withHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
				.withBody(Fixtures.read("management/error-not-found.json"))));

		getMe(token).expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/user-not-found");

		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	private static void expectBadGateway(WebTestClient.ResponseSpec response, String upstream) {
		response.expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-bad-response")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains(upstream).doesNotContain("nginx"));
	}

}
