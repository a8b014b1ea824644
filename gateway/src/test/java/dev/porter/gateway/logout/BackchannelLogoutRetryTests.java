package dev.porter.gateway.logout;

import java.util.Map;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A back-channel logout that fails half-way (the session store refuses to delete the
 * sessions, after the token was recorded as seen and the registry entries taken) answers
 * 503, and the IdP's retry — the same token — ends the sessions once the store is back.
 * Runs against a real {@code redis-server} whose ACL denies the session keys alone, or
 * whose writes wait past the gateway's timeout ({@code CLIENT PAUSE}): the shared one of
 * {@link SharedTwoGatewaysOnRedis}, its ACL restored and its writes resumed after each
 * test.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class BackchannelLogoutRetryTests {

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
	void backchannelLogoutWhenSessionStoreFailedThenRetryOfSameTokenEndsSession() throws Exception {
		Browser browser = new Browser(client()).login("auth0|alice", 3600);
		retryOfSameTokenEndsSession(browser,
				TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", "auth0|alice")));
	}

	/**
	 * Back-Channel Logout 1.0 lets a token name the IdP session alone: the sessions taken
	 * for it go back under that {@code sid}, though the token names no subject.
	 */
	@Test
	void backchannelLogoutWithSidOnlyWhenSessionStoreFailedThenRetryOfSameTokenEndsSession() throws Exception {
		Browser browser = new Browser(client()).login("auth0|alice", 3600);
		retryOfSameTokenEndsSession(browser, TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid())));
	}

	/**
	 * Redis records the jti only after the gateway gave up waiting (REDIS_TIMEOUT): the
	 * first delivery answers 503, and the IdP's retry must not be refused as a replay.
	 */
	@Test
	void backchannelLogoutWhenRedisRecordsTheJtiAfterTheTimeoutThenRetryOfSameTokenEndsSession() throws Exception {
		Browser browser = new Browser(client()).login("auth0|alice", 3600);
		String token = TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", "auth0|alice"));
		// Writes wait in Redis far beyond REDIS_TIMEOUT (500 ms), then are carried out.
		instances.redisCli("CLIENT", "PAUSE", "10000", "WRITE");
		try {
			post(token).expectStatus().isEqualTo(503).expectHeader().exists(HttpHeaders.RETRY_AFTER);
		}
		finally {
			// Redis runs the waiting writes before it answers this.
			instances.redisCli("CLIENT", "UNPAUSE");
		}

		post(token).expectStatus().isOk();
		assertSignedOut(browser);
	}

	private static void retryOfSameTokenEndsSession(Browser browser, String token) throws Exception {
		// The registry and the seen jtis stay reachable; the sessions do not.
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~porter:logout:*");

		post(token).expectStatus().isEqualTo(503).expectHeader().exists(HttpHeaders.RETRY_AFTER);

		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~*");
		post(token).expectStatus().isOk();
		assertSignedOut(browser);
	}

	private static void assertSignedOut(Browser browser) {
		client().get()
			.uri("/bff/session")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);
	}

	private static WebTestClient.ResponseSpec post(String token) {
		return client().post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", token))
			.exchange();
	}

	private static WebTestClient client() {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instances.first()));
	}

}
