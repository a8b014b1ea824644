package dev.porter.gateway.logout;

import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.FullRedis;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /bff/logout} on a full Redis ({@code maxmemory} reached under
 * {@code noeviction}: writes that add data refused with {@code OOM}, reads and deletes
 * served). Ending a session needs only reads and deletes, so the user is signed out and
 * the browser is sent on to the IdP's logout as on any other day: a user at a shared
 * computer who got an error instead would stay signed in at the IdP, for the next person
 * to sign in as them through single sign-on. Runs against the real {@code redis-server}
 * of the shared instances, filled and emptied by {@link FullRedis}.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogoutOnFullRedisTests {

	@RegisterExtension
	static final FullRedis fullRedis = new FullRedis();

	@Test
	void logoutFromScriptWhenRedisIsFullThenSignedOutAndSentToTheIdpsLogout(CapturedOutput output) throws Exception {
		Browser browser = new Browser(fullRedis.gateway()).login(user(), 3600);
		String xsrf = browser.xsrf();
		fullRedis.fill();

		logout(browser).header("X-XSRF-TOKEN", xsrf)
			.header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.redirect")
			.value(String.class, (url) -> assertThat(url).startsWith(TestIdp.instance().issuer() + "oidc/logout?"));

		assertSignedOut(browser);
		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
		assertThat(output.getOut()).doesNotContain("500 Server Error", "unhandled error");
	}

	@Test
	void logoutFromAFormWhenRedisIsFullThenSignedOutAndRedirectedToTheIdpsLogout() throws Exception {
		Browser browser = new Browser(fullRedis.gateway()).login(user(), 3600);
		String xsrf = browser.xsrf();
		fullRedis.fill();

		logout(browser).contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("_csrf", xsrf))
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.value(HttpHeaders.LOCATION,
					(url) -> assertThat(url).startsWith(TestIdp.instance().issuer() + "oidc/logout?"));

		assertSignedOut(browser);
	}

	/**
	 * A browser whose session already ended (idle, ended from another device) is still
	 * sent to the IdP's logout, which is what signs it out there.
	 */
	@Test
	void logoutWithoutASessionWhenRedisIsFullThenSentToTheIdpsLogout() throws Exception {
		fullRedis.fill();

		fullRedis.gateway()
			.post()
			.uri("/bff/logout")
			.header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.redirect")
			.value(String.class, (url) -> assertThat(url).startsWith(TestIdp.instance().issuer() + "oidc/logout?"));
	}

	private static String user() {
		return "auth0|logout-full-" + UUID.randomUUID();
	}

	private static WebTestClient.RequestBodySpec logout(Browser browser) {
		return fullRedis.gateway().post().uri("/bff/logout").cookies((jar) -> browser.cookies().forEach(jar::add));
	}

	private static void assertSignedOut(Browser browser) {
		browser.get("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);
	}

}
