package dev.porter.gateway.config;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TestSessionKeys;
import dev.porter.testsupport.SecuredRedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code REDIS_URL} as a managed Redis needs it: {@code rediss://} (TLS, the server's
 * certificate verified against a CA the JVM trusts, host name included) with a password.
 * Sessions land in that Redis and are served from it.
 */
class RedisTlsTests {

	private static final String[] TRUST_PROPERTIES = { "javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
			"javax.net.ssl.trustStoreType" };

	private static final String[] saved = new String[TRUST_PROPERTIES.length];

	private static SecuredRedisServer redis;

	@BeforeAll
	static void startRedis() throws Exception {
		redis = SecuredRedisServer.start("s3cret-" + TestSessionKeys.newKey().substring(0, 8).replace('/', 'x'));
		for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
			saved[i] = System.getProperty(TRUST_PROPERTIES[i]);
		}
		// What an operator does for a private CA
		// (JAVA_TOOL_OPTIONS=-Djavax.net.ssl.trustStore=…).
		System.setProperty("javax.net.ssl.trustStore", redis.trustStore().toString());
		System.setProperty("javax.net.ssl.trustStorePassword", SecuredRedisServer.TRUST_STORE_PASSWORD);
		System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
	}

	@AfterAll
	static void stopRedis() {
		for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
			if (saved[i] == null) {
				System.clearProperty(TRUST_PROPERTIES[i]);
			}
			else {
				System.setProperty(TRUST_PROPERTIES[i], saved[i]);
			}
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void loginWhenRedisUrlIsRedissWithPasswordThenSessionStoredThereAndServed() throws Exception {
		try (ConfigurableApplicationContext gateway = GatewayInstances.startOnTestIdp(
				"--porter.redis.url=" + redis.url(), "--porter.redis.timeout=2s",
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED, "--porter.login.rate-limit=100000")) {
			Browser browser = new Browser(
					TestClients.gateway(((WebServerApplicationContext) gateway).getWebServer().getPort()))
				.login("auth0|alice", 3600);

			browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
			assertThat(redis.cli("EXISTS", "porter:session:" + SessionKey.of(browser.sessionId()).value()))
				.isEqualTo("1");
		}
	}

}
