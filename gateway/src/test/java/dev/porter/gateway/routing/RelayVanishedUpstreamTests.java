package dev.porter.gateway.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.VanishingProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * profile-service's host vanishes without a reset and a new one answers at the same
 * address (a pod replaced behind a Service): the connections the relay pooled to the old
 * host stay open and silent. Kept, each would cost the request that draws it the whole
 * response timeout and a 503, however long after the new host is up; an idle one is let
 * go after the pool's idle limit, with the gateway's own settings.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RelayVanishedUpstreamTests {

	private static final WireMockServer PROFILE = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private static final VanishingProxy PROFILE_HOST = start();

	/** The pool's idle limit (10 s) plus its eviction interval (5 s), and slack. */
	private static final Duration LET_GO_WITHIN = Duration.ofSeconds(25);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", () -> TestIdp.instance().issuer());
		registry.add("porter.oidc.client-id", () -> TestIdp.CLIENT_ID);
		registry.add("porter.oidc.client-secret", () -> TestIdp.CLIENT_SECRET);
		registry.add("porter.relay.profile-service-uri", () -> "http://127.0.0.1:" + PROFILE_HOST.port());
		registry.add("porter.relay.response-timeout", () -> "1s");
	}

	private static VanishingProxy start() {
		PROFILE.start();
		try {
			return VanishingProxy.to(PROFILE.port());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@AfterAll
	static void stop() {
		PROFILE_HOST.close();
		PROFILE.stop();
	}

	@Test
	void getMeWhenProfileServiceHostReplacedThenPooledConnectionsLetGoAndTheNextRequestServed() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser alice = new Browser(TestClients.gateway(this.port)).login("auth0|alice", 3600);
		alice.get("/me").exchange().expectStatus().isOk();

		PROFILE_HOST.vanish();
		PROFILE_HOST.serverBack();

		Eventually.await("the pooled connections to the vanished host let go", LET_GO_WITHIN,
				() -> PROFILE_HOST.silentConnectionsOpen() == 0);
		alice.get("/me").exchange().expectStatus().isOk();
	}

}
