package dev.porter.profile.me;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.http.MediaType;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user whose Auth0 record this service cannot read though Auth0 answered it: larger
 * than it reads (256 KiB), or breaking the JSON parser's constraints (nesting deeper than
 * 500, a number or string longer than the parser takes). Another client wrote it (an
 * Action, Auth0's own SPA token with {@code update:current_user_metadata}). It is her own
 * {@code 502}: it counts on no breaker, so she cannot open the Management API circuit for
 * everybody, and it is not asked again for every read of hers (a record too deep was
 * counted and asked each time).
 */
class UnreadableRecordTests extends ProfileServiceIntegrationTest {

	private static final String RECORDED = Fixtures.read("management/user-recorded.json");

	private static final String BOB = "auth0|5f7c8ec7c33c6c004bbafe82";

	private static final String BOB_PATH = "/api/v2/users/auth0%7C5f7c8ec7c33c6c004bbafe82";

	private static final int READS = 12;

	@ParameterizedTest
	@ValueSource(strings = { "nested 600 deep", "a number of 1 001 digits", "over the read limit" })
	void getMeWhenHerRecordCannotBeReadThenHerOwn502RememberedAndTheCircuitUntouched(String record) {
		String alice = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(alice, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(unreadable(record))));

		for (int i = 0; i < READS; i++) {
			getMe(alice).expectStatus()
				.isEqualTo(502)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://porter.example/problems/upstream-bad-response");
		}

		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(managementCircuit().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		upstreams.management().verify(1, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
		getMe(bob()).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick");
		pastTheFailedLoadPause();
		getMe(alice).expectStatus().isEqualTo(502);
		upstreams.management().verify(2, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	private static String unreadable(String record) {
		String value = switch (record) {
			case "nested 600 deep" -> "[".repeat(600) + "]".repeat(600);
			case "a number of 1 001 digits" -> "1".repeat(1001);
			case "over the read limit" -> "\"" + "n".repeat(300 * 1024) + "\"";
			default -> throw new IllegalArgumentException(record);
		};
		return RECORDED.replace("\"user_metadata\":{", "\"user_metadata\":{\"notes\":" + value + ",");
	}

	private String bob() {
		String token = TestJwts.mint(issuer(), BOB);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo"))
				.withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + token))
				.willReturn(okJson(Fixtures.read("userinfo/recorded.json").replace(Upstreams.ALICE, BOB))));
		upstreams.management()
			.stubFor(get(urlEqualTo(BOB_PATH)).willReturn(okJson(RECORDED.replace(Upstreams.ALICE, BOB))));
		return token;
	}

}
