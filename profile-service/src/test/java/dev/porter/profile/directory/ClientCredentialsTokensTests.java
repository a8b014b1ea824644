package dev.porter.profile.directory;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.Fixtures;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

class ClientCredentialsTokensTests {

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private ClientCredentialsTokens tokens;

	@BeforeEach
	void start() {
		this.idp.start();
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json")).withFixedDelay(200)));
		this.tokens = new ClientCredentialsTokens("test",
				URI.create("http://localhost:" + this.idp.port() + "/oauth/token"), "porter-profile",
				"test-only-secret", new LinkedMultiValueMap<>(Map.of("audience", List.of("https://api.example/"))),
				WebClient.builder()
					.codecs((c) -> c.defaultCodecs()
						.jacksonJsonDecoder(new org.springframework.http.codec.json.JacksonJsonDecoder(
								tools.jackson.databind.json.JsonMapper.builder().build())))
					.build());
	}

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	@Test
	void accessTokenWhenManyCallersAtOnceThenOneTokenRequest() {
		StepVerifier.create(Flux.range(0, 50).flatMap((i) -> this.tokens.accessToken()).distinct())
			.expectNext("test-access-token")
			.verifyComplete();
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void accessTokenWhenTokenValidThenReusedWithoutRequest() {
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void invalidateWhenTokenRejectedThenNextCallFetchesAgain() {
		StepVerifier.create(this.tokens.accessToken().flatMap((t) -> this.tokens.invalidate(t))).verifyComplete();
		StepVerifier.create(this.tokens.accessToken()).expectNext("test-access-token").verifyComplete();
		this.idp.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

}
