package dev.porter.gateway.config;

import java.net.URI;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.support.FilterHarness;
import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/** HSTS follows the public URL, not the scheme the request reached the gateway with. */
class StrictTransportSecurityWebFilterTests {

	private final FilterHarness.Recording chain = FilterHarness.recording();

	@Test
	void filterWhenPublicUrlHttpsAndRequestPlainHttpThenHstsAndPassedOn() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://gateway/me"));

		filterFor("https://porter.example").filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getHeaders().getFirst("Strict-Transport-Security"))
			.isEqualTo("max-age=31536000; includeSubDomains");
		assertThat(this.chain.exchange()).isSameAs(exchange);
	}

	@Test
	void filterWhenPublicUrlHttpThenNoHstsAndPassedOn() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://gateway/me"));

		filterFor("http://localhost:8080").filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getHeaders().containsHeader("Strict-Transport-Security")).isFalse();
		assertThat(this.chain.wasCalled()).isTrue();
	}

	private static StrictTransportSecurityWebFilter filterFor(String publicBaseUrl) {
		return new StrictTransportSecurityWebFilter(new BffProperties(URI.create(publicBaseUrl)));
	}

}
