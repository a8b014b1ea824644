package dev.porter.gateway.devices;

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
 * {@code /bff/session} and {@code /bff/sessions} on a full Redis ({@code maxmemory}
 * reached under {@code noeviction}: writes that add data refused with {@code OOM}, reads
 * and deletes served). None needs to add data: the session is read, the user's sessions
 * listed, a session ended by deleting it; the session's last access, due now and then, is
 * written back by a later request. So each answers as usual, and a user who sees a device
 * they do not know can still sign it out. Each call to {@code /bff/sessions} spends the
 * session's budget, which an instance reserves from Redis a share at a time (a write):
 * each test lists the sessions before Redis fills, as a page that shows them does, so
 * that a share is held. Runs against the real {@code redis-server} of the shared
 * instances, filled and emptied by {@link FullRedis}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionsOnFullRedisTests {

	@RegisterExtension
	static final FullRedis fullRedis = new FullRedis();

	@Test
	void sessionAndSessionsWhenRedisIsFullThenAnsweredAsUsual(CapturedOutput output) throws Exception {
		String sub = user();
		Browser laptop = new Browser(fullRedis.gateway()).login(sub, 3600);
		new Browser(fullRedis.gateway()).login(sub, 3600);
		assertThat(SessionsApiTests.sessions(laptop)).hasSize(2);
		fullRedis.fill();

		laptop.get("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true)
			.jsonPath("$.user.sub")
			.isEqualTo(sub);
		assertThat(SessionsApiTests.sessions(laptop)).hasSize(2);
		assertThat(output.getOut()).doesNotContain("500 Server Error", "unhandled error");
	}

	@Test
	void deleteOneWhenRedisIsFullThenThatSessionEnds(CapturedOutput output) throws Exception {
		String sub = user();
		Browser laptop = new Browser(fullRedis.gateway()).login(sub, 3600);
		Browser phone = new Browser(fullRedis.gateway()).login(sub, 3600);
		String phoneId = SessionsApiTests.idOf(laptop, false);
		laptop.xsrf();
		fullRedis.fill();

		SessionsApiTests.delete(laptop, "/bff/sessions/" + phoneId).expectStatus().isNoContent();

		assertAuthenticated(phone, false);
		assertAuthenticated(laptop, true);
		TestIdp.instance().awaitRevocationOf(phone.tokens().refreshToken());
		assertThat(output.getOut()).doesNotContain("500 Server Error", "unhandled error");
	}

	@Test
	void deleteOthersWhenRedisIsFullThenTheyEnd() throws Exception {
		String sub = user();
		Browser laptop = new Browser(fullRedis.gateway()).login(sub, 3600);
		Browser phone = new Browser(fullRedis.gateway()).login(sub, 3600);
		Browser tablet = new Browser(fullRedis.gateway()).login(sub, 3600);
		assertThat(SessionsApiTests.sessions(laptop)).hasSize(3);
		laptop.xsrf();
		fullRedis.fill();

		SessionsApiTests.delete(laptop, "/bff/sessions?others=true")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ended")
			.isEqualTo(2);

		assertAuthenticated(phone, false);
		assertAuthenticated(tablet, false);
		assertAuthenticated(laptop, true);
	}

	private static String user() {
		return "auth0|sessions-full-" + UUID.randomUUID();
	}

	private static void assertAuthenticated(Browser browser, boolean authenticated) {
		browser.get("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(authenticated);
	}

}
