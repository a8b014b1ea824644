package dev.porter.profile.config;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.codec.ByteArrayDecoder;
import org.springframework.http.codec.DecoderHttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
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

}
