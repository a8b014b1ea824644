package dev.porter.gateway.routing;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.RelayWaitsForHeldAnswers;
import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.IdleConnectionContract;
import dev.porter.testsupport.RawConnection;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that carries no request being worked on (none sent, a request head that
 * never ends, the body of a request already answered) is closed once it has done so for
 * {@code CONNECTION_IDLE_TIMEOUT} (1 s here): else anyone could hold thousands of them
 * open, each a file descriptor and its buffers, until the gateway can take no more
 * connections. A request being worked on is not cut by it: its body has
 * {@code REQUEST_READ_TIMEOUT} (30 s here), its answer the relay's response timeout.
 */
@RelayWaitsForHeldAnswers
@TestPropertySource(properties = { "porter.request.connection-idle-timeout=1s", "porter.test.read-timeout=30s" })
class IdleConnectionTests extends GatewayTestSupport implements IdleConnectionContract {

	@Override
	public int servicePort() {
		return this.port;
	}

	@Test
	void relayWhenProfileServiceAnswersAfterTheIdleTimeoutThenItsAnswer() throws Exception {
		Browser alice = browser().login("auth0|alice", 3600);
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		HeldAnswer held = holdProfileAnswer("/me");
		try (RawConnection connection = RawConnection.open(this.port)) {
			connection.send(alice.rawRequestStart(this.port, "GET /me") + "\r\n");
			held.awaitReached();

			awaitIdleTimeoutPassed();
			held.release();

			assertThat(connection.readAnswerHead(PATIENCE)).startsWith("HTTP/1.1 200 ");
		}
	}

	@Test
	void relayWhenTheBodyArrivesSlowerThanTheIdleTimeoutThenRelayed() {
		Browser alice = browser().login("auth0|alice", 3600);
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"theme\":\"dark\"}")));
		String body = "{\"theme\":\"dark\"}";
		try (RawConnection connection = RawConnection.open(this.port)) {
			connection.send(alice.rawRequestStart(this.port, "PATCH /me/metadata") + "X-XSRF-TOKEN: " + alice.xsrf()
					+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
					+ body.substring(0, 5));

			awaitIdleTimeoutPassed();
			connection.send(body.substring(5));

			assertThat(connection.readAnswerHead(PATIENCE)).startsWith("HTTP/1.1 200 ");
		}
	}

}
