package dev.porter.gateway.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.porter.gateway.oidc.OidcProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

class OidcDiscoveryTests {

	// The issuer as the browser and the tokens know it; nothing listens there for this
	// service.
	private static final String ISSUER = "http://idp.invalid/";

	private final WireMockServer backChannel = started();

	@AfterEach
	void stop() {
		this.backChannel.stop();
	}

	@Test
	void metadataWhenDiscoveryUriGivenThenFetchedThereAndIssuerStillChecked() {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(
				okJson("{\"issuer\":\"" + ISSUER + "\",\"authorization_endpoint\":\"" + ISSUER + "authorize\"}")));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(),
				properties(URI.create(this.backChannel.baseUrl() + "/.well-known/openid-configuration")));

		StepVerifier.create(discovery.metadata())
			.assertNext((metadata) -> org.assertj.core.api.Assertions.assertThat(metadata)
				.containsEntry("authorization_endpoint", ISSUER + "authorize"))
			.verifyComplete();
	}

	@Test
	void metadataWhenDiscoveryUriNamesAnotherIssuerThenRefused() {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration"))
			.willReturn(okJson("{\"issuer\":\"http://someone-else/\"}")));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(),
				properties(URI.create(this.backChannel.baseUrl() + "/.well-known/openid-configuration")));

		StepVerifier.create(discovery.metadata()).expectError().verify(Duration.ofSeconds(10));
	}

	private static OidcProperties properties(URI discoveryUri) {
		return new OidcProperties(URI.create(ISSUER), "client-1", "secret", List.of("openid"), "https://api", null,
				null, null, discoveryUri, null, Duration.ofSeconds(5));
	}

	private static WireMockServer started() {
		WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
		server.start();
		return server;
	}

}
