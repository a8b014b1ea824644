package dev.porter.gateway.config;

import java.net.URI;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.WebTestClient;

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
