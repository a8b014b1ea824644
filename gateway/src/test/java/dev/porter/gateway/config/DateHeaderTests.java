package dev.porter.gateway.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.testsupport.RawConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer of the gateway carries one {@code Date}, read from the gateway's clock
 * (RFC 9110, 6.6.1): its own answers, its refusals before any handler runs, Reactor
 * Netty's answer to a request it could not decode, and relayed answers, for which the
 * gateway is the origin the browser talks to (profile-service's own {@code Date} stays
 * behind).
 */
@Import(MovableGatewayClock.class)
class DateHeaderTests extends GatewayTestSupport {

	/** The clock's time as a {@code Date} header says it, by Spring's own formatter. */
	private String expected;

	@Autowired
	private MovableClock clock;

	@BeforeEach
	void clockAtNow() {
		// Logins check the ID token's times against it: the test IdP's are the system's.
		this.clock.moveTo(Instant.now());
		HttpHeaders formatted = new HttpHeaders();
		formatted.setDate(this.clock.millis());
		this.expected = formatted.getFirst(HttpHeaders.DATE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/bff/session", "/me", "/no-such-page", "/me/%2e%2e/bff/session" })
	void answerWhenAnyOfTheGatewaysOwnThenDatedByItsClock(String path) {
		assertDated(this.client.get().uri(java.net.URI.create("http://localhost:" + this.port + path)));
	}

	@Test
	void answerWhenMethodRefusedBeforeAnyHandlerThenDated() {
		assertDated(this.client.method(HttpMethod.valueOf("BREW")).uri("/bff/session"));
	}

	@Test
	void answerWhenRequestCannotBeDecodedThenDated() {
		RawConnection.Answer answer = RawConnection.exchange(this.port,
				"GET /bff/session HTTP/1.1\r\nHost: localhost\r\n" + "X-Long: " + "a".repeat(20_000) + "\r\n\r\n",
				Duration.ofSeconds(10));

		assertThat(answer.status()).isEqualTo(431);
		assertThat(answer.hasHeader(HttpHeaders.DATE, this.expected)).as(answer.head()).isTrue();
	}

	@Test
	void relayedAnswerWhenUpstreamDatesItThenOnlyTheGatewaysDate() {
		PROFILE.stubFor(get(urlPathEqualTo("/me"))
			.willReturn(okJson("{}").withHeader(HttpHeaders.DATE, "Mon, 01 Jan 2001 00:00:00 GMT")));
		Browser alice = browser().login("auth0|alice", 3600);

		assertDated(alice.get("/me"));
	}

	@Test
	void relayedNotModifiedWhenUpstreamAnswersUndatedThenTheGatewaysDate() {
		PROFILE
			.stubFor(get(urlPathEqualTo("/me")).willReturn(aResponse().withStatus(304).withHeader("ETag", "\"p-1\"")));
		Browser alice = browser().login("auth0|alice", 3600);

		assertDated(alice.get("/me").header(HttpHeaders.IF_NONE_MATCH, "\"p-1\""));
	}

	private void assertDated(WebTestClient.RequestHeadersSpec<?> request) {
		List<String> dates = request.exchange().returnResult(Void.class).getResponseHeaders().get(HttpHeaders.DATE);

		assertThat(dates).containsExactly(this.expected);
	}

}
