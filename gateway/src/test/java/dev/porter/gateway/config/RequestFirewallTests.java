package dev.porter.gateway.config;

import java.net.URI;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring Security's firewall refuses (encoded path separators and dots, control
 * characters in headers, unknown methods) is answered like every other bad input: a
 * problem naming the part of the request that was refused, never an empty 400 and never
 * the refused value itself (it may be a credential).
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

	@Test
	void requestWhenMethodUnknownThenProblemNamingTheMethod() {
		rejected(this.client.method(HttpMethod.valueOf("BREW")).uri("/bff/session")).expectBody()
			.jsonPath("$.part")
			.isEqualTo("method");
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
