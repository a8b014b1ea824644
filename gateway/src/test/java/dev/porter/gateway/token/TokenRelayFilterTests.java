package dev.porter.gateway.token;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.support.FilterHarness;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the relay sends the API in place of the browser's credentials, and that it sends
 * nothing without a token.
 */
class TokenRelayFilterTests {

	private static final TestingAuthenticationToken ALICE = new TestingAuthenticationToken("auth0|alice", null);

	private final FilterHarness.Recording chain = FilterHarness.recording();

	@Test
	void filterWhenSessionHoldsTokenThenBearerRelayedAndBrowserCredentialsDropped() {
		TokenRelayFilter filter = new TokenRelayFilter(
				(exchange, authentication) -> Mono.just("at-" + authentication.getName()));
		MockServerWebExchange exchange = MockServerWebExchange
			.builder(MockServerHttpRequest.patch("/me/metadata")
				.header(HttpHeaders.COOKIE, "SESSION=s; XSRF-TOKEN=t")
				.header("X-XSRF-TOKEN", "t")
				.header(HttpHeaders.AUTHORIZATION, "Basic YnJvd3Nlcjpvd24=")
				.header(HttpHeaders.ACCEPT, "application/json"))
			.principal(ALICE)
			.build();

		filter.filter(exchange, this.chain).block();

		HttpHeaders relayed = this.chain.exchange().getRequest().getHeaders();
		assertThat(relayed.get(HttpHeaders.AUTHORIZATION)).containsExactly("Bearer at-auth0|alice");
		assertThat(relayed.containsHeader(HttpHeaders.COOKIE)).isFalse();
		assertThat(relayed.containsHeader("X-XSRF-TOKEN")).isFalse();
		assertThat(relayed.getFirst(HttpHeaders.ACCEPT)).isEqualTo("application/json");
	}

	@Test
	void filterWhenSessionHoldsNoTokenThenLoginRequiredAndNothingRelayed() {
		TokenRelayFilter filter = new TokenRelayFilter((exchange, authentication) -> Mono.empty());
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.principal(ALICE)
			.build();

		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> filter.filter(exchange, this.chain).block());

		assertThat(refused.getStatusCode().value()).isEqualTo(401);
		assertThat(refused.getBody().getType().toString()).endsWith("/login-required");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenNotSignedInThenLoginRequiredWithoutAskingForAToken() {
		TokenRelayFilter filter = new TokenRelayFilter((exchange, authentication) -> {
			throw new AssertionError("no token to look up without a sign-in");
		});
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> filter.filter(exchange, this.chain).block());

		assertThat(refused.getStatusCode().value()).isEqualTo(401);
		assertThat(this.chain.wasCalled()).isFalse();
	}

}
