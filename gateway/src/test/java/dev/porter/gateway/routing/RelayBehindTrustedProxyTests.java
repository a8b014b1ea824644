package dev.porter.gateway.routing;

import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.testsupport.RawConnection;
import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay behind a reverse proxy in {@code TRUSTED_PROXIES} that serves the gateway
 * under a path of its own and says so in {@code X-Forwarded-Prefix} (an ingress routing
 * {@code /porter/*} to the gateway, say): the gateway's own links carry the prefix, but
 * profile-service knows nothing of it and is asked for the path within the gateway.
 */
@TestPropertySource(properties = "porter.forwarded.trusted-proxies=127.0.0.1/32")
class RelayBehindTrustedProxyTests extends GatewayTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	MeterRegistry meters;

	@Test
	void relayWhenTrustedProxyNamesAPrefixThenUpstreamGetsThePathWithinTheGateway() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{}")));
		Browser alice = browser().login("auth0|alice", 3600);

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				alice.rawRequestStart(this.port, "GET /me?fields=name")
						+ "X-Forwarded-Prefix: /porter\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n",
				WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(200);
		PROFILE.verify(1,
				getRequestedFor(urlEqualTo("/me?fields=name"))
					.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + alice.tokens().accessToken()))
					.withHeader("X-Forwarded-Prefix", absent()));
	}

	/**
	 * A forwarding header the gateway cannot read, passed on by the trusted proxy: the
	 * client's mistake (or the proxy's), answered as such and counted, not an empty 400
	 * WebFlux wrote before any filter ran.
	 */
	@Test
	void relayWhenTrustedProxyPassesAMalformedPortThenBadRequestProblemNamingTheHeaderAndNothingRelayed() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{}")));
		Browser alice = browser().login("auth0|alice", 3600);
		long before = count("400");

		alice.get("/me")
			.header("X-Forwarded-For", "203.0.113.7")
			.header("X-Forwarded-Port", "443abc")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/request-rejected")
			.jsonPath("$.header")
			.isEqualTo("X-Forwarded-Port");

		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
		// The timer stops once the answer is written, which may be just after the client
		// has read it.
		Eventually.await("the refusal counted", WAIT, () -> count("400") == before + 1);
	}

	private long count(String status) {
		Timer timer = this.meters.find("http.server.requests")
			.tags("method", "GET", "uri", "/me", "status", status)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

}
