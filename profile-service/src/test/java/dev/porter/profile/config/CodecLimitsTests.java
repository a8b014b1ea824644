package dev.porter.profile.config;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.codec.ByteArrayDecoder;
import org.springframework.http.MediaType;
import org.springframework.http.codec.DecoderHttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How much of a body is buffered: a caller's request at most 64 KiB (the PATCH cap is 16
 * KiB, so a huge body stops early), an upstream's answer up to 256 KiB (a Management user
 * with large metadata, which Auth0 allowed before its 10 KB limit, still reads).
 */
class CodecLimitsTests extends ProfileServiceIntegrationTest {

	@Autowired
	private ServerCodecConfigurer serverCodecs;

	@Test
	void requestBodiesWhenReadThenBufferedUpTo64KiB() {
		int limit = this.serverCodecs.getReaders()
			.stream()
			.filter(DecoderHttpMessageReader.class::isInstance)
			.map((reader) -> ((DecoderHttpMessageReader<?>) reader).getDecoder())
			.filter(ByteArrayDecoder.class::isInstance)
			.map((decoder) -> ((ByteArrayDecoder) decoder).getMaxInMemorySize())
			.findFirst()
			.orElseThrow();

		assertThat(limit).isEqualTo(64 * 1024);
	}

	@Test
	void getMeWhenTheManagementUserIsLargerThanARequestMayBeThenStillRead() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		String large = Fixtures.read("management/user-recorded.json")
			.replace("\"user_metadata\":{", "\"user_metadata\":{\"notes\":\"" + "n".repeat(100 * 1024) + "\",");
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(large)));

		this.client.get()
			.uri("/me")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick");
	}

	// A record over what is read is that one user's: another tenant client (an Action,
	// Auth0's own SPA token for current_user_metadata) may have written it. Counted as an
	// upstream failure, about ten of her reads opened the Management API circuit, and
	// everyone not cached got 503 for its open time.
	@Test
	void getMeWhenOneUsersRecordIsTooLargeToReadThenHerOwn502AndTheCircuitUntouched() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		String huge = Fixtures.read("management/user-recorded.json")
			.replace("\"user_metadata\":{", "\"user_metadata\":{\"notes\":\"" + "n".repeat(300 * 1024) + "\",");
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(okJson(huge)));

		for (int i = 0; i < 12; i++) {
			this.client.get()
				.uri("/me")
				.headers((headers) -> headers.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.isEqualTo(502)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
			pastTheFailedLoadPause();
		}

		assertThat(managementCircuit().getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(managementCircuit().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		upstreams.management().verify(12, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

}
