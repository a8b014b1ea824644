package dev.porter.gateway.routing;

import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.testsupport.RawConnection;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
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

}
