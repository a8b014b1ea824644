package dev.porter.gateway.login;

import java.net.URI;
import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.FullRedis;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A login on a full Redis ({@code maxmemory} reached under {@code noeviction}: writes
 * that add data refused with {@code OOM}, reads and deletes served). Starting one writes
 * nothing to Redis (the pending login is a cookie); completing one must store the new
 * session, which Redis refuses: the login fails as any login whose session cannot be
 * stored ({@code /?login=failed}), leaving nobody signed in and no refresh token
 * unrevoked. Runs against the real {@code redis-server} of the shared instances, filled
 * and emptied by {@link FullRedis}.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoginOnFullRedisTests {

	@RegisterExtension
	static final FullRedis fullRedis = new FullRedis();

	/**
	 * Its budget per address is reserved from Redis a share at a time (a write, refused
	 * on a full Redis: a {@code 503} problem with {@code Retry-After}): one share is
	 * reserved here before Redis fills, as for any address that started a login lately.
	 */
	@Test
	void loginWhenRedisIsFullThenSentToTheIdp() throws Exception {
		fullRedis.gateway().get().uri("/bff/login?returnTo=/ok/path").exchange().expectStatus().isFound();
		fullRedis.fill();

		fullRedis.gateway()
			.get()
			.uri("/bff/login?returnTo=/ok/path")
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.value("Location", (url) -> assertThat(url).startsWith(TestIdp.instance().issuer() + "authorize?"));
	}

	@Test
	void callbackWhenRedisIsFullThenLoginFailedAndNobodySignedIn(CapturedOutput output) throws Exception {
		Browser browser = new Browser(fullRedis.gateway());

		URI landing = browser.attemptLogin(user(), "sid-" + UUID.randomUUID(), 3600, fullRedis::fill);

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

	private static String user() {
		return "auth0|login-full-" + UUID.randomUUID();
	}

}
