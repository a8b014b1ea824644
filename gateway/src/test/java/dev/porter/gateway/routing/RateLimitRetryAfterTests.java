package dev.porter.gateway.routing;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller over the per-user budget is told when to come back, in the header and in the
 * problem alike, rounded up: a window that ends in 400 ms is {@code 1} second away, never
 * {@code 0} (which invites an immediate retry into the same full window).
 */
class RateLimitRetryAfterTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Instant WINDOW_START = Instant.parse("2026-11-22T10:00:00Z");

	@Test
	void filterWhenWindowEndsInLessThanASecondThenRetryAfterOneInHeaderAndProblem() {
		MovableClock clock = new MovableClock(WINDOW_START.plus(Duration.ofMinutes(1).minusMillis(400)));
		InMemoryRateLimiter limiter = new InMemoryRateLimiter(1, Duration.ofMinutes(1), clock);
		RateLimitFilter filter = new RateLimitFilter(limiter, new ProblemWriter(JSON));
		GatewayFilterChain relayed = (exchange) -> Mono.empty();
		filter.filter(exchange(), relayed).block();

		MockServerWebExchange refused = exchange();
		StepVerifier.create(filter.filter(refused, (exchange) -> Mono.error(new AssertionError("relayed"))))
			.verifyComplete();

		assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(refused.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(body(refused).path("retry_after").asLong()).isEqualTo(1);
	}

	private static MockServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/api/me"));
	}

	private static JsonNode body(MockServerWebExchange exchange) {
		return JSON.readTree(exchange.getResponse().getBodyAsString().block());
	}

}
