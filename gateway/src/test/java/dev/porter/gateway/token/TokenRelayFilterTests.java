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
	void filterWhenSessionHoldsTokenThenItsBearerIsWhatTheUpstreamCallSends() {
		TokenRelayFilter filter = new TokenRelayFilter(
				(exchange, authentication) -> Mono.just("at-" + authentication.getName()));
		MockServerWebExchange exchange = MockServerWebExchange
			.builder(MockServerHttpRequest.patch("/me/metadata")
				.header(HttpHeaders.AUTHORIZATION, "Basic YnJvd3Nlcjpvd24=")
				.header(HttpHeaders.ACCEPT, "application/json"))
			.principal(ALICE)
			.build();

		filter.filter(exchange, this.chain).block();

		assertThat(RelayedToken.authorization(this.chain.exchange())).hasToString("Bearer at-auth0|alice");
		// The browser's own credentials are left to the upstream call to drop
		// (UpstreamCallTests, RelayTests): the request is passed on as it came.
		assertThat(this.chain.exchange()).isSameAs(exchange);
	}

	@Test
	void filterWhenNoTokenRelayedThenTheUpstreamCallHasNoneToSend() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/me").header(HttpHeaders.AUTHORIZATION, "Bearer from-the-browser"));

		assertThat(RelayedToken.authorization(exchange)).isNull();
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
