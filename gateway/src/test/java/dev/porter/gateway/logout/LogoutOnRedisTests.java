package dev.porter.gateway.logout;

import java.time.Duration;
import java.util.Map;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import dev.porter.testsupport.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /bff/logout} ends the local session whatever else fails on the way: the
 * IdP's discovery (so no revocation and no IdP logout) or the back-channel registry (so a
 * stale entry is left behind). A user on a shared computer who signs out must be signed
 * out. Runs on the shared {@link SharedTwoGatewaysOnRedis}; a test that narrows Redis's
 * ACL restores it after.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class LogoutOnRedisTests {

	/** Nothing listens there: an IdP that is down as far as discovery goes. */
	private static final String UNREACHABLE_DISCOVERY = "http://127.0.0.1:9/.well-known/openid-configuration";

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@AfterEach
	void restoreStore() throws Exception {
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~*");
	}

	@Test
	void logoutWhenThisInstanceCannotLoadDiscoveryThenSessionEndsAndRedirectsToSpa() {
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		// Started during the IdP's outage: it has never loaded discovery.
		try (ConfigurableApplicationContext third = GatewayInstances.startOnRedis(instances.redis().url(),
				"--porter.oidc.discovery-uri=" + UNREACHABLE_DISCOVERY, "--porter.login.rate-limit=100000")) {
			WebTestClient thirdClient = client(third);
			logout(thirdClient, browser, xsrf).expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.redirect")
				.isEqualTo("http://localhost:8080/");
			assertSignedOut(thirdClient, browser);
			// "Sign out" again, with no session: no IdP logout known to send it to
			// either.
			logout(thirdClient, browser, xsrf).expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.redirect")
				.isEqualTo("http://localhost:8080/");
		}
		Eventually.await("the session ended on the instance that logged in", Duration.ofSeconds(2),
				() -> signedOut(client(instances.first()), browser));
	}

	@Test
	void logoutWhenBackchannelRegistryUnreachableThenSessionStillEnds() throws Exception {
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		// The sessions, the directory and the locks, but not the back-channel registry
		// (porter:logout:*).
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~porter:s*", "~porter:r*");

		logout(client(instances.first()), browser, xsrf).expectStatus().isOk();

		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~*");
		assertSignedOut(client(instances.first()), browser);
	}

	/**
	 * The session's removal fails, and so does everything after it that writes the
	 * session (Redis refusing the session keys alone): the logout cannot end it, and the
	 * session must stay in the back-channel registry, so that the IdP's logout still ends
	 * it. Forgotten there first, it stayed signed in out of back-channel logout's reach.
	 */
	@Test
	void logoutWhenTheSessionCannotBeRemovedThenItStaysForBackchannelLogoutToEnd() throws Exception {
		Browser browser = new Browser(client(instances.first())).login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		// Read from this instance's near cache: the logout needs no GET of the session.
		instances.awaitKept("the session kept by the first instance",
				() -> browser.get("/bff/session").exchange().expectStatus().isOk());
		// The registry, the directory and the locks, but not the sessions
		// (porter:session:*).
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~porter:logout:*", "~porter:sessions:*",
				"~porter:r*");

		logout(client(instances.first()), browser, xsrf).expectStatus().is5xxServerError();

		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~*");
		assertThat(signedOut(client(instances.second()), browser)).as("signed out after the failed logout").isFalse();
		client(instances.second()).post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token",
					TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", "auth0|alice"))))
			.exchange()
			.expectStatus()
			.isOk();
		assertSignedOut(client(instances.second()), browser);
	}

	private static WebTestClient.ResponseSpec logout(WebTestClient client, Browser browser, String xsrf) {
		return client.post()
			.uri("/bff/logout")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.header("X-XSRF-TOKEN", xsrf)
			.exchange();
	}

	private static void assertSignedOut(WebTestClient client, Browser browser) {
		assertThat(signedOut(client, browser)).as("signed out").isTrue();
	}

	private static boolean signedOut(WebTestClient client, Browser browser) {
		return client.get()
			.uri("/bff/session")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()
			.contains("\"authenticated\":false");
	}

	private static WebTestClient client(ConfigurableApplicationContext instance) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instance));
	}

}
