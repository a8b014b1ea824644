package dev.porter.gateway.logout;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.FullRedis;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterEach;
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
 * A back-channel logout reaching a full Redis ({@code maxmemory} reached under the
 * {@code noeviction} policy the README asks for): Redis refuses the writes that record
 * the logout (the token's {@code jti}, the logout kept for logins under way) but still
 * serves the reads and deletes that end its sessions. The IdP sends the logout once
 * (Auth0, Keycloak), so its sessions end now, and the {@code 503} tells an IdP that
 * retries to do so. Runs against the real {@code redis-server} of the shared instances,
 * filled and emptied by {@link FullRedis}.
 */
@ExtendWith(OutputCaptureExtension.class)
class BackchannelLogoutOnFullRedisTests {

	@RegisterExtension
	static final FullRedis fullRedis = new FullRedis();

	@AfterEach
	void clockAsBefore() {
		fullRedis.instances().clock().reset();
	}

	@Test
	void backchannelLogoutWhenRedisIsFullThenTheSessionsEndAndTheIdpIsToldToRetry(CapturedOutput output)
			throws Exception {
		String sub = user();
		Browser browser = new Browser(fullRedis.gateway()).login(sub, 3600);
		fullRedis.fill();
		// Past the report an earlier test's logout made.
		fullRedis.instances().clock().shift(BackchannelLogoutLog.INTERVAL);

		post(Map.of("sid", browser.tokens().sid(), "sub", sub)).expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);

		assertAuthenticated(browser, false);
		assertThat(output.getOut().lines().filter((line) -> line.contains("back-channel logout not recorded")))
			.singleElement()
			.asString()
			.contains("ERROR", "maxmemory", "login under way");
	}

	/** Back-Channel Logout 1.0 lets a token name the IdP session alone. */
	@Test
	void backchannelLogoutWithSidOnlyWhenRedisIsFullThenTheSessionsEnd() throws Exception {
		Browser browser = new Browser(fullRedis.gateway()).login(user(), 3600);
		fullRedis.fill();

		post(Map.of("sid", browser.tokens().sid())).expectStatus().isEqualTo(503);

		assertAuthenticated(browser, false);
	}

	/** A token without {@code sid} names every session of the user. */
	@Test
	void backchannelLogoutWithSubOnlyWhenRedisIsFullThenEverySessionOfTheUserEnds() throws Exception {
		String sub = user();
		Browser laptop = new Browser(fullRedis.gateway()).login(sub, 3600);
		Browser phone = new Browser(fullRedis.gateway()).login(sub, 3600);
		fullRedis.fill();

		post(Map.of("sub", sub)).expectStatus().isEqualTo(503);

		assertAuthenticated(laptop, false);
		assertAuthenticated(phone, false);
	}

	/**
	 * A full Redis cannot record the token's {@code jti}, so a replay of it is not told
	 * from its first delivery: it ends only the sessions that registered before the token
	 * was issued (as far as the IdP's clock and ours can tell), never a login made since.
	 */
	@Test
	void backchannelLogoutWhenRedisIsFullThenALoginMadeAfterTheTokenWasIssuedGoesOn() throws Exception {
		String sub = user();
		Browser browser = new Browser(fullRedis.gateway()).login(sub, 3600);
		// Issued well before that login, still young enough to be accepted.
		long issuedAt = Instant.now().minusSeconds(5 * 60).getEpochSecond();
		fullRedis.fill();

		post(Map.of("sub", sub, "iat", issuedAt)).expectStatus().isEqualTo(503);

		assertAuthenticated(browser, true);
	}

	@Test
	void backchannelLogoutWhenRedisHasMemoryAgainThenTheRetryIsAnsweredOk() throws Exception {
		String sub = user();
		Browser browser = new Browser(fullRedis.gateway()).login(sub, 3600);
		String token = TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", sub));
		fullRedis.fill();
		post(token).expectStatus().isEqualTo(503);

		fullRedis.makeRoom();

		post(token).expectStatus().isOk();
		assertAuthenticated(browser, false);
	}

	private static String user() {
		return "auth0|full-" + UUID.randomUUID();
	}

	private static void assertAuthenticated(Browser browser, boolean authenticated) {
		fullRedis.gateway()
			.get()
			.uri("/bff/session")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(authenticated);
	}

	private static WebTestClient.ResponseSpec post(Map<String, Object> claims) {
		return post(TestIdp.instance().logoutToken(new HashMap<>(claims)));
	}

	private static WebTestClient.ResponseSpec post(String token) {
		return fullRedis.gateway()
			.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", token))
			.exchange();
	}

}
