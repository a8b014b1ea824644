package dev.porter.gateway.routing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code https} profile-service is called over TLS with the client's TLS settings
 * (here: trusting WireMock's self-signed certificate), at its own host and port: the
 * relay names the upstream once on its client and sends each request only its path.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = "spring.cloud.gateway.server.webflux.httpclient.ssl.use-insecure-trust-manager=true")
class HttpsUpstreamTests {

	private static final WireMockServer TLS_PROFILE = new WireMockServer(
			options().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1"));

	static {
		TLS_PROFILE.start();
	}

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", () -> TestIdp.instance().issuer());
		registry.add("porter.oidc.client-id", () -> TestIdp.CLIENT_ID);
		registry.add("porter.oidc.client-secret", () -> TestIdp.CLIENT_SECRET);
		registry.add("porter.relay.profile-service-uri", () -> "https://localhost:" + TLS_PROFILE.httpsPort());
	}

	@AfterAll
	static void stop() {
		TLS_PROFILE.stop();
	}

	@Test
	void relayWhenProfileServiceIsHttpsThenCalledOverTlsAtItsOwnHost() {
		TLS_PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser alice = new Browser(TestClients.gateway(this.port)).login("auth0|alice", 3600);

		alice.get("/me?fields=sub")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sub")
			.isEqualTo("auth0|alice");

		LoggedRequest relayed = TLS_PROFILE.findAll(anyRequestedFor(anyUrl())).get(0);
		assertThat(relayed.getAbsoluteUrl())
			.isEqualTo("https://localhost:" + TLS_PROFILE.httpsPort() + "/me?fields=sub");
		assertThat(relayed.getHeader(HttpHeaders.HOST)).isEqualTo("localhost:" + TLS_PROFILE.httpsPort());
	}

}
