package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.porter.gateway.support.FilterHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitFilterTests {

	private final List<String> consumed = new ArrayList<>();

	private final FilterHarness.Recording chain = FilterHarness.recording();

	@Test
	void filterWhenUserOverBudgetThenTooManyRequestsWithRetryAfterAndNothingRelayed() {
		RateLimitFilter filter = filter(new UserRateLimiter.Decision(false, Duration.ofSeconds(30)));
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.principal(new TestingAuthenticationToken("auth0|alice", null))
			.build();

		filter.filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("30");
		JsonNode problem = FilterHarness.problem(exchange);
		assertThat(problem.get("type").asString()).endsWith("/rate-limited");
		assertThat(problem.get("retry_after").asLong()).isEqualTo(30);
		assertThat(this.consumed).containsExactly("user:auth0|alice");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenUserWithinBudgetThenRelayed() {
		RateLimitFilter filter = filter(new UserRateLimiter.Decision(true, Duration.ZERO));
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.principal(new TestingAuthenticationToken("auth0|alice", null))
			.build();

		filter.filter(exchange, this.chain).block();

		assertThat(this.chain.exchange()).isSameAs(exchange);
		assertThat(exchange.getResponse().getStatusCode()).isNull();
	}

	@Test
	void filterWhenNoPrincipalThenAllCallersShareTheAnonymousBudget() {
		RateLimitFilter filter = filter(new UserRateLimiter.Decision(true, Duration.ZERO));

		filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/me")), this.chain).block();

		assertThat(this.consumed).containsExactly("user:anonymous");
		assertThat(this.chain.wasCalled()).isTrue();
	}

	/**
	 * With Redis every budget's keys share one space
	 * ({@code porter:rate:<key>:<window>}), here one limiter: a user whose IdP lets the
	 * login name be the {@code sub} must not spend the login budget of an address
	 * ({@code login:<address>}) or another session's ({@code sessions:<id>}) with each
	 * relayed call, nor have them spend the user's.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "login:203.0.113.7", "sessions:c2Vzc2lvbg" })
	void filterWhenUserNameIsAnotherBudgetsKeyThenEachKeepsItsOwnBudget(String name) {
		InMemoryRateLimiter shared = new InMemoryRateLimiter(1, Duration.ofMinutes(1), Clock.systemUTC());
		RateLimitFilter filter = new RateLimitFilter(shared, FilterHarness.problemWriter());
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.principal(new TestingAuthenticationToken(name, null))
			.build();

		filter.filter(exchange, this.chain).block();

		assertThat(this.chain.wasCalled()).as("relayed").isTrue();
		assertThat(shared.consume(name).block().allowed()).as("the other budget left whole").isTrue();
	}

	private RateLimitFilter filter(UserRateLimiter.Decision decision) {
		return new RateLimitFilter((user) -> {
			this.consumed.add(user);
			return Mono.just(decision);
		}, FilterHarness.problemWriter());
	}

}
