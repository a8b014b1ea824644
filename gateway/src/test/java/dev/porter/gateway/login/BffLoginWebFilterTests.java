package dev.porter.gateway.login;

import java.time.Clock;

import dev.porter.gateway.support.FilterHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class BffLoginWebFilterTests {

	private final BffLoginWebFilter filter = new BffLoginWebFilter(new LoginRefusal(FilterHarness.problemWriter()),
			new LoginFailureLog(Clock.systemUTC()), new SimpleMeterRegistry().counter("porter.logins"));

	private final FilterHarness.Recording chain = FilterHarness.recording();

	@Test
	void filterWhenReturnToLeavesTheOriginThenBadRequestAndNoLoginStarted() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/bff/login").queryParam("returnTo", "//evil.example/"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(FilterHarness.problem(exchange).get("type").asString()).endsWith("/invalid-return-to");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	/** Sent to the SPA's fixed landing, never to the target asked for. */
	@Test
	void filterWhenTheUserNavigatesWithAReturnToLeavingTheOriginThenLoginFailedAndNoLoginStarted() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/bff/login")
			.queryParam("returnTo", "//evil.example/")
			.header("Sec-Fetch-Mode", "navigate")
			.header("Sec-Fetch-User", "?1"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FOUND);
		assertThat(exchange.getResponse().getHeaders().getLocation()).hasToString("/?login=failed");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenReturnToLocalThenHandedToTheAuthorizationRequest() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/bff/login").queryParam("returnTo", "/profile"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.exchange().<String>getAttribute(LoginSessionAttributes.RETURN_TO)).isEqualTo("/profile");
	}

	@Test
	void filterWhenNoReturnToThenTheRoot() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/bff/login"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.exchange().<String>getAttribute(LoginSessionAttributes.RETURN_TO)).isEqualTo("/");
	}

	@Test
	void filterWhenAnotherPathThenPassedOnUntouched() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/me").queryParam("returnTo", "//evil.example/"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.exchange().getAttributes()).doesNotContainKey(LoginSessionAttributes.RETURN_TO);
		assertThat(exchange.getResponse().getStatusCode()).isNull();
	}

}
