package dev.porter.gateway.problem;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A filter that asked for its own answer ({@link ProblemAnswer}) gets the problem the
 * error handler works out for any request, and the handler logs the failure as it always
 * does; the error's own headers are the asked answer's to write or not.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProblemAnswerTests {

	private final ProblemExceptionHandler handler = new ProblemExceptionHandler(
			new ProblemWriter(JsonMapper.builder().build()), new StoreFailures(Clock.systemUTC()));

	private final List<ProblemDetail> answered = new ArrayList<>();

	@Test
	void handleWhenAProblemRaisedOnPurposeThenTheAskedAnswerGetsItWithoutTheErrorsHeaders() {
		MockServerWebExchange exchange = asking();

		StepVerifier
			.create(this.handler.handle(exchange,
					new ProblemException(Problems.identityProviderUnavailable(Duration.ofSeconds(5)), null)))
			.verifyComplete();

		assertThat(this.answered).singleElement()
			.satisfies((problem) -> assertThat(problem.getType().toString()).endsWith("/idp-unavailable"));
		assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FOUND);
	}

	@Test
	void handleWhenTheStoreFailsThenTheAskedAnswerGetsTheStoresProblemAndTheFailureIsLogged(CapturedOutput output) {
		StepVerifier.create(this.handler.handle(asking(), new QueryTimeoutException("Redis command timed out")))
			.verifyComplete();

		assertThat(this.answered).singleElement()
			.satisfies((problem) -> assertThat(problem.getDetail()).contains("session store"));
		assertThat(output).contains("session store (Redis) unavailable");
	}

	@Test
	void handleWhenAnUnexpectedErrorThenTheAskedAnswerGetsA500AndTheErrorIsLogged(CapturedOutput output) {
		StepVerifier.create(this.handler.handle(asking(), new IllegalStateException("a bug"))).verifyComplete();

		assertThat(this.answered).singleElement()
			.satisfies((problem) -> assertThat(problem.getStatus()).isEqualTo(500));
		assertThat(output).contains("unhandled error on GET /bff/login", "java.lang.IllegalStateException");
	}

	/**
	 * A request whose filter asked to be answered by a redirect, recording the problem.
	 */
	private MockServerWebExchange asking() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/bff/login"));
		ProblemAnswer.use(exchange, (answering, problem) -> {
			this.answered.add(problem);
			answering.getResponse().setStatusCode(HttpStatus.FOUND);
			return answering.getResponse().setComplete();
		});
		return exchange;
	}

}
