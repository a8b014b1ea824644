package dev.porter.profile.testsupport;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.Extension;
import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.HeldAnswers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * Two WireMock servers standing in for Auth0, shared by every integration test of the JVM
 * (one Spring context): {@code idp} serves discovery, JWKS, {@code /oauth/token} and
 * {@code /userinfo}; {@code management} serves {@code /api/v2/} and can be stopped to
 * refuse connections, and holds the answers a test asks it to
 * ({@link #holdManagementAnswer}, {@link #holdIdpAnswer}).
 */
public final class Upstreams {

	public static final String ALICE = "auth0|63d17c4a9d503d76c056c160";

	public static final String ALICE_PATH = "/api/v2/users/auth0%7C63d17c4a9d503d76c056c160";

	private static final Upstreams INSTANCE = new Upstreams();

	private final HeldAnswers managementHolds = new HeldAnswers();

	private final HeldAnswers idpHolds = new HeldAnswers();

	private final WireMockServer idp = start(0, this.idpHolds);

	private WireMockServer management = start(0, this.managementHolds);

	private final int managementPort = this.management.port();

	private Upstreams() {
	}

	public static Upstreams instance() {
		return INSTANCE;
	}

	public WireMockServer idp() {
		return this.idp;
	}

	public WireMockServer management() {
		return this.management;
	}

	public String issuer() {
		return "http://localhost:" + this.idp.port() + "/";
	}

	public String managementUri() {
		return "http://localhost:" + this.managementPort + "/api/v2/";
	}

	/**
	 * Forgets stubs and journals, then serves discovery, JWKS and a client-credentials
	 * token.
	 */
	public void reset() {
		if (!this.management.isRunning()) {
			this.management = start(this.managementPort, this.managementHolds);
		}
		this.idp.resetAll();
		this.management.resetAll();
		this.idp.stubFor(get(urlEqualTo("/.well-known/openid-configuration"))
			.willReturn(okJson(Fixtures.read("discovery/openid-configuration.json").replace("{{issuer}}", issuer()))));
		this.idp.stubFor(get(urlEqualTo("/.well-known/jwks.json")).willReturn(okJson(TestJwts.jwks())));
		this.idp.stubFor(post(urlPathEqualTo("/oauth/token"))
			.willReturn(okJson(Fixtures.read("token/client-credentials.json"))));
	}

	/**
	 * The user's {@code /userinfo} (matched on the caller's token) and Management record.
	 */
	public void stubUser(String token, String userinfoFixture, String managementPath, String managementFixture) {
		this.idp.stubFor(get(urlEqualTo("/userinfo"))
			.withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + token))
			.willReturn(okJson(Fixtures.read(userinfoFixture))));
		this.management.stubFor(get(urlEqualTo(managementPath)).willReturn(okJson(Fixtures.read(managementFixture))));
	}

	/**
	 * Holds the Management API's answer to the next request for {@code path} whose body
	 * contains {@code bodyPart} until the test releases it: the request has reached
	 * Auth0, its outcome has not reached the service.
	 */
	public HeldAnswer holdManagementAnswer(String path, String bodyPart) {
		return this.managementHolds.add(path, bodyPart);
	}

	/**
	 * Holds the IdP's answer to the next request for {@code path} whose body contains
	 * {@code bodyPart} until the test releases it.
	 */
	public HeldAnswer holdIdpAnswer(String path, String bodyPart) {
		return this.idpHolds.add(path, bodyPart);
	}

	/** Releases every answer held, and forgets the holds not reached yet. */
	public void releaseHeldAnswers() {
		this.managementHolds.releaseAll();
		this.idpHolds.releaseAll();
	}

	/** Closes the Management port: connections are refused until {@link #reset()}. */
	public void refuseManagement() {
		this.management.stop();
	}

	public static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder status(int status) {
		return aResponse().withStatus(status);
	}

	private static WireMockServer start(int port, Extension... extensions) {
		WireMockServer server = new WireMockServer(WireMockConfiguration.options()
			.port(port)
			.bindAddress("127.0.0.1")
			.containerThreads(64)
			.extensions(extensions));
		server.start();
		return server;
	}

}
