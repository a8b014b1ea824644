package dev.porter.gateway.login;

import java.net.URI;
import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A login on a full Redis ({@code maxmemory} reached under {@code noeviction}: writes
 * that add data refused with {@code OOM}, reads and deletes served). Starting one writes
 * nothing to Redis (the pending login is a cookie); completing one must store the new
 * session, which Redis refuses: the login fails as any login whose session cannot be
 * stored ({@code /?login=failed}), leaving nobody signed in and no refresh token
 * unrevoked. Runs against the real {@code redis-server} of
 * {@link SharedTwoGatewaysOnRedis}, its memory limit lifted after each test.
 */
@ExtendWith({ SharedTwoGatewaysOnRedis.class, OutputCaptureExtension.class })
class LoginOnFullRedisTests {

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@AfterEach
	void redisHasMemoryAgain() throws Exception {
		instances.redisCli("CONFIG", "SET", "maxmemory", "0");
	}

	/**
	 * Its budget per address is reserved from Redis a share at a time (a write, refused
	 * on a full Redis: a {@code 503} problem with {@code Retry-After}): one share is
	 * reserved here before Redis fills, as for any address that started a login lately.
	 */
	@Test
	void loginWhenRedisIsFullThenSentToTheIdp() throws Exception {
		client().get().uri("/bff/login?returnTo=/ok/path").exchange().expectStatus().isFound();
		fillRedis();

		client().get()
			.uri("/bff/login?returnTo=/ok/path")
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.value("Location", (url) -> assertThat(url).startsWith(TestIdp.instance().issuer() + "authorize?"));
	}

	@Test
	void callbackWhenRedisIsFullThenLoginFailedAndNobodySignedIn(CapturedOutput output) throws Exception {
		Browser browser = new Browser(client());

		URI landing = browser.attemptLogin(user(), "sid-" + UUID.randomUUID(), 3600, LoginOnFullRedisTests::fillRedis);

		assertThat(landing).hasToString("/?login=failed");
		browser.get("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);
		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
		assertThat(output.getOut()).doesNotContain("500 Server Error", "unhandled error");
		// The operator is told why, not only the driver's exception type.
		assertThat(output.getOut()).contains("login failed: ").contains("Redis answered OOM");
	}

	private static void fillRedis() {
		try {
			instances.redisCli("CONFIG", "SET", "maxmemory", "1");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String user() {
		return "auth0|login-full-" + UUID.randomUUID();
	}

	private static WebTestClient client() {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instances.first()));
	}

}
