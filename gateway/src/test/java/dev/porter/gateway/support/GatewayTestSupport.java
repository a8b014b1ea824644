package dev.porter.gateway.support;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.HeldAnswers;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * The gateway on a random port between {@link TestIdp} and a WireMock profile-service.
 * Every subclass shares one application context (same properties), so the suite starts
 * the gateway once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Every test logs in from 127.0.0.1: a budget per address that the suite never meets
// (LoginRateLimitTests sets its own). The relay's timeout is here, not among the dynamic
// properties, so that a subclass can set its own (RelayWaitsForHeldAnswers).
@TestPropertySource(properties = { "porter.login.rate-limit=100000", "porter.relay.response-timeout=1s" })
public abstract class GatewayTestSupport {

	private static final HeldAnswers PROFILE_HOLDS = new HeldAnswers();

	protected static final WireMockServer PROFILE = startProfileService();

	/**
	 * How long the gateway waits for {@link TestIdp}: well below the 5 s default, so that
	 * the tests of a hanging IdP are quick and can tell that the setting applies, and far
	 * above what the stub takes to answer on a busy machine.
	 */
	protected static final Duration IDP_RESPONSE_TIMEOUT = Duration.ofSeconds(2);

	@LocalServerPort
	protected int port;

	protected WebTestClient client;

	@DynamicPropertySource
	static void gatewayProperties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", () -> TestIdp.instance().issuer());
		registry.add("porter.oidc.client-id", () -> TestIdp.CLIENT_ID);
		registry.add("porter.oidc.client-secret", () -> TestIdp.CLIENT_SECRET);
		// A class whose tests hold the IdP's answers longer sets
		// porter.test.oidc-response-timeout: its own @DynamicPropertySource for
		// porter.oidc.response-timeout would not apply, since Spring applies this one
		// after it.
		registry.add("porter.oidc.response-timeout",
				() -> "${porter.test.oidc-response-timeout:" + IDP_RESPONSE_TIMEOUT + "}");
		registry.add("porter.relay.profile-service-uri", () -> "http://localhost:" + PROFILE.port());
		registry.add("porter.relay.rate-limit", () -> "1000");
		// IdleConnectionTests gives a body longer than its idle timeout
		registry.add("porter.request.read-timeout", () -> "${porter.test.read-timeout:2s}");
	}

	@BeforeEach
	void resetStubs() {
		PROFILE.resetAll();
		PROFILE_HOLDS.releaseAll();
		// The IdP stand-in serves every test class of the run: a stub one test left (a
		// refresh answered for any token) would make a later test's unplanned call pass.
		TestIdp.instance().server().resetAll();
		TestIdp.instance().releaseAllHolds();
		TestIdp.instance().stubDiscovery();
		this.client = TestClients.gateway(this.port);
	}

	protected Browser browser() {
		return new Browser(this.client);
	}

	/**
	 * Holds profile-service's answer to the next request for {@code path} (or a path
	 * below it) until the test releases it: a relayed request kept on its way while the
	 * test does something else. In a class marked {@link RelayWaitsForHeldAnswers}, the
	 * relay waits for it as long.
	 */
	protected static HeldAnswer holdProfileAnswer(String path) {
		return PROFILE_HOLDS.add(path, "");
	}

	private static WireMockServer startProfileService() {
		WireMockServer server = new WireMockServer(
				options().dynamicPort().bindAddress("127.0.0.1").extensions(PROFILE_HOLDS));
		server.start();
		return server;
	}

}
