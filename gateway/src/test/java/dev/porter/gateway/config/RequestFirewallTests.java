package dev.porter.gateway.config;

import java.net.URI;
import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.testsupport.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring Security's firewall refuses (encoded path separators and dots, control
 * characters in headers) is answered like every other bad input: a problem naming the
 * part of the request that was refused, never an empty 400 and never the refused value
 * itself (it may be a credential). A method it refuses is one the gateway implements for
 * no resource: {@code 501}.
 */
class RequestFirewallTests extends GatewayTestSupport {

	@Test
	void requestWhenPathHoldsEncodedPeriodsThenProblemNamingTheUrl() {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get()
			.uri(URI.create("http://localhost:" + this.port + "/me/%2e%2e/bff/session"));
		rejected(request).expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/request-rejected")
			.jsonPath("$.part")
			.isEqualTo("url");
	}

	/**
	 * The firewall checks the headers the gateway reads; the security chain reads this
	 * one.
	 */
	@Test
	void requestWhenHeaderValueHoldsControlCharacterThenProblemNamingTheHeaderNotItsValue() {
		Browser alice = browser().login("auth0|alice", 3600);
		rejected(alice.get("/me").header("Sec-Fetch-Site", "same-origin\u0085secret")).expectBody(String.class)
			.value((body) -> assertThat(body).contains("\"part\":\"header\"")
				.contains("\"header\":\"Sec-Fetch-Site\"")
				.doesNotContain("secret"));
		assertThat(PROFILE.getAllServeEvents()).isEmpty();
	}

	/**
	 * A method the gateway implements for no resource, standard ({@code TRACE}) or not:
	 * {@code 501} (RFC 9110, 9.1), refused before anything else runs, so that it never
	 * reaches profile-service. Not {@code 405}: its {@code Allow} would have to name the
	 * target's methods, which the firewall, refusing before any route is chosen, does not
	 * know.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "TRACE", "PROPFIND", "BREW" })
	void requestWhenMethodNotImplementedThenNotImplementedProblemAndNothingRelayed(String method) {
		Browser alice = browser().login("auth0|alice", 3600);

		alice.method(HttpMethod.valueOf(method), "/me")
			.header("X-XSRF-TOKEN", alice.xsrf())
			.exchange()
			.expectStatus()
			.isEqualTo(501)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/method-not-implemented")
			.jsonPath("$.status")
			.isEqualTo(501)
			.jsonPath("$.detail")
			.isEqualTo("The gateway takes DELETE, GET, HEAD, OPTIONS, PATCH, POST and PUT");
		assertThat(PROFILE.getAllServeEvents()).isEmpty();
	}

	@Test
	void requestWhenConnectThenNotImplemented() {
		RawConnection.Answer answer = RawConnection.exchange(this.port,
				"CONNECT localhost:" + this.port + " HTTP/1.1\r\nHost: localhost:" + this.port + "\r\n\r\n",
				Duration.ofSeconds(10));

		assertThat(answer.status()).as(answer.head()).isEqualTo(501);
		assertThat(answer.hasHeader("Content-Type", "application/problem+json")).as(answer.head()).isTrue();
	}

	/** A 400 answered as problem JSON, whatever it names. */
	private static WebTestClient.ResponseSpec rejected(WebTestClient.RequestHeadersSpec<?> request) {
		return request.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

}
