package dev.porter.gateway.config;

import java.net.URI;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.header.CacheControlServerHttpHeadersWriter;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class SecurityHeadersTests extends GatewayTestSupport {

	@Test
	void responseWhenAnyPageThenSecurityHeadersAndSelfOnlyCsp() {
		assertSecurityHeaders(this.client.get().uri("/bff/session").exchange());
	}

	/** The relayed paths have a security chain of their own (SecurityConfiguration). */
	@Test
	void responseWhenRelayedPathThenSameSecurityHeaders() {
		assertSecurityHeaders(this.client.get().uri("/me").exchange().expectStatus().isUnauthorized());
	}

	/**
	 * A relayed answer has the gateway's security headers, never the upstream's: an
	 * upstream's own would let a shared cache keep one user's profile for the next, or
	 * let other sites frame or read the answer.
	 */
	@Test
	void responseWhenUpstreamAnswersWithItsOwnSecurityHeadersThenTheGatewaysWin() {
		PROFILE.stubFor(get(urlPathEqualTo("/me"))
			.willReturn(okJson("{}").withHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=600")
				.withHeader(HttpHeaders.PRAGMA, "cache")
				.withHeader(HttpHeaders.EXPIRES, "Thu, 01 Jan 2099 00:00:00 GMT")
				.withHeader("X-Content-Type-Options", "sniff")
				.withHeader("X-Frame-Options", "ALLOWALL")
				.withHeader("X-XSS-Protection", "1")
				.withHeader("Referrer-Policy", "unsafe-url")
				.withHeader("Content-Security-Policy", "default-src *; frame-ancestors *")
				.withHeader("Strict-Transport-Security", "max-age=0")));
		Browser alice = browser().login("auth0|alice", 3600);

		WebTestClient.ResponseSpec response = alice.get("/me").exchange().expectStatus().isOk();

		assertSecurityHeaders(response);
		response.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, CacheControlServerHttpHeadersWriter.CACHE_CONTROL_VALUE)
			.expectHeader()
			.valueEquals(HttpHeaders.PRAGMA, CacheControlServerHttpHeadersWriter.PRAGMA_VALUE)
			.expectHeader()
			.valueEquals(HttpHeaders.EXPIRES, CacheControlServerHttpHeadersWriter.EXPIRES_VALUE)
			.expectHeader()
			.valueEquals("X-XSS-Protection", "0");
	}

	private static void assertSecurityHeaders(WebTestClient.ResponseSpec response) {
		response.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader()
			.valueEquals("X-Frame-Options", "DENY")
			.expectHeader()
			.valueEquals("Referrer-Policy", "strict-origin-when-cross-origin")
			.expectHeader()
			.value("Content-Security-Policy",
					(csp) -> assertThat(csp).contains("default-src 'self'")
						.contains("script-src 'self'")
						.contains("frame-ancestors 'none'")
						.contains("form-action 'self' " + TestIdp.instance().issuer().replaceAll("/$", "")))
			.expectHeader()
			.doesNotExist("Strict-Transport-Security");
	}

	@Test
	void hstsWhenPublicBaseUrlIsHttpsThenWrittenEvenBehindTlsTerminatingProxy() {
		StrictTransportSecurityWebFilter filter = new StrictTransportSecurityWebFilter(
				new BffProperties(URI.create("https://app.example")));
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://internal/"));
		StepVerifier.create(filter.filter(exchange, (ignored) -> Mono.empty())).verifyComplete();
		assertThat(exchange.getResponse().getHeaders().getFirst("Strict-Transport-Security")).startsWith("max-age=");
	}

}
