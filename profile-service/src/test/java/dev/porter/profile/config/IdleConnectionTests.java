package dev.porter.profile.config;

import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.IdleConnectionContract;
import dev.porter.testsupport.RawConnection;
import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that carries no request being worked on (none sent, a request head that
 * never ends, the body of a request already answered) is closed once it has done so for
 * {@code CONNECTION_IDLE_TIMEOUT} (1 s here), as in the gateway: else anyone who reaches
 * the port could hold thousands of them open. A request being worked on is not cut by it.
 */
@TestPropertySource(properties = "porter.connection.idle-timeout=1s")
class IdleConnectionTests extends ProfileServiceIntegrationTest implements IdleConnectionContract {

	@Override
	public int servicePort() {
		return this.port;
	}

	@Test
	void connectionWhenABodyNeverCompletesThenClosed() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		try (RawConnection connection = RawConnection.open(this.port)) {
			connection.send("PATCH /me/metadata HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
					+ "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"theme\":");

			assertThat(connection.closedByServerWithin(PATIENCE)).isTrue();
		}
	}

	@Test
	void getMeWhenTheUpstreamAnswersAfterTheIdleTimeoutThenTheProfile() throws Exception {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		HeldAnswer userinfo = upstreams.holdIdpAnswer("/userinfo", "");
		try (RawConnection connection = RawConnection.open(this.port)) {
			connection.send("GET /me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n\r\n");
			userinfo.awaitReached();

			awaitIdleTimeoutPassed();
			userinfo.release();

			assertThat(connection.readAnswerHead(PATIENCE)).startsWith("HTTP/1.1 200 ");
		}
	}

}
