package dev.porter.gateway.csrf;

import dev.porter.gateway.support.FilterHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser's own word on where an unsafe request came from ({@code Sec-Fetch-Site}),
 * checked before the CSRF token.
 */
class FetchSiteWebFilterTests {

	private final FetchSiteWebFilter filter = new FetchSiteWebFilter(CsrfSecurity.UNSAFE,
			FilterHarness.problemWriter());

	private final FilterHarness.Recording chain = FilterHarness.recording();

	@ParameterizedTest
	@ValueSource(strings = { "cross-site", "same-site" })
	void filterWhenUnsafeRequestFromAnotherSiteThenForbiddenAndNotPassedOn(String site) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/bff/logout").header(FetchSiteWebFilter.HEADER, site));

		this.filter.filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		JsonNode problem = FilterHarness.problem(exchange);
		assertThat(problem.get("type").asString()).endsWith("/cross-site");
		assertThat(problem.get("header").asString()).isEqualTo("Sec-Fetch-Site");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenCrossSitePatchThenForbidden() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.patch("/me/metadata").header(FetchSiteWebFilter.HEADER, "cross-site"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "same-origin", "none" })
	void filterWhenUnsafeRequestFromThisOriginOrTheUserThenPassedOn(String site) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/bff/logout").header(FetchSiteWebFilter.HEADER, site));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.exchange()).isSameAs(exchange);
		assertThat(exchange.getResponse().getStatusCode()).isNull();
	}

	@Test
	void filterWhenNoFetchMetadataThenTheTokenAloneDecides() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/bff/logout"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.wasCalled()).isTrue();
	}

	@Test
	void filterWhenSafeMethodFromAnotherSiteThenPassedOn() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/me").header(FetchSiteWebFilter.HEADER, "cross-site"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.wasCalled()).isTrue();
	}

	@Test
	void filterWhenBackchannelLogoutFromAnotherSiteThenPassedOn() {
		MockServerWebExchange exchange = MockServerWebExchange.from(
				MockServerHttpRequest.post("/bff/backchannel-logout").header(FetchSiteWebFilter.HEADER, "cross-site"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.wasCalled()).isTrue();
	}

}
