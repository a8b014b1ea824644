package dev.porter.gateway.problem;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wait becomes whole seconds in one place, the problem's {@code retry_after} member;
 * the {@code Retry-After} header is taken from it, however the problem reaches the
 * client.
 */
class RetryAfterProblemTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ProblemWriter writer = new ProblemWriter(JSON);

	@Test
	void writeWhenWaitHasAFractionOfASecondThenHeaderAndMemberBothRoundUp() {
		MockServerWebExchange exchange = exchange();

		StepVerifier.create(this.writer.write(exchange, Problems.upstreamUnavailable("profile service", millis(2200))))
			.verifyComplete();

		assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3");
		assertThat(body(exchange).path("retry_after").asLong()).isEqualTo(3);
	}

	@Test
	void writeWhenProblemAsksForNoWaitThenNoRetryAfterHeader() {
		MockServerWebExchange exchange = exchange();

		StepVerifier.create(this.writer.write(exchange, Problems.accessDenied())).verifyComplete();

		assertThat(exchange.getResponse().getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
		assertThat(body(exchange).has("retry_after")).isFalse();
	}

	@Test
	void problemExceptionWhenItsProblemHasAWaitThenCarriesTheSameRetryAfterHeader() {
		ProblemException raised = new ProblemException(Problems.sessionStoreFull(millis(400)), null);

		assertThat(raised.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(raised.getBody().getProperties()).containsEntry("retry_after", 1L);
	}

	@Test
	void handleWhenProblemExceptionRaisedThenHeaderAndMemberAgree() {
		ProblemExceptionHandler handler = new ProblemExceptionHandler(this.writer,
				new StoreFailures(Clock.systemUTC()));
		MockServerWebExchange exchange = exchange();

		StepVerifier
			.create(handler.handle(exchange,
					new ProblemException(Problems.upstreamUnavailable("identity provider", millis(29_500)), null)))
			.verifyComplete();

		assertThat(exchange.getResponse().getHeaders().get(HttpHeaders.RETRY_AFTER)).containsExactly("30");
		assertThat(body(exchange).path("retry_after").asLong()).isEqualTo(30);
	}

	private static Duration millis(long millis) {
		return Duration.ofMillis(millis);
	}

	private static MockServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/api/me"));
	}

	private static JsonNode body(MockServerWebExchange exchange) {
		return JSON.readTree(exchange.getResponse().getBodyAsString().block());
	}

}
