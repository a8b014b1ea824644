package dev.porter.profile.problem;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.porter.profile.upstream.UpstreamException;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.channel.AbortedException;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ApiExceptionHandlerTests {

	private final MutableClock clock = new MutableClock();

	private final ApiExceptionHandler handler = new ApiExceptionHandler(this.clock);

	// Every 503 of an outage was a WARN line of its own: the log grew with the traffic.
	@Test
	void handleWhenManyRequestsAnsweredServiceUnavailableThenOneLinePerIntervalWithACount(CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			answer(new UpstreamUnavailableException("management", Duration.ofSeconds(5), new IllegalStateException()));
		}
		assertThat(answeredLines(output)).hasSize(1);

		this.clock.advance(ApiExceptionHandler.LOG_INTERVAL);
		answer(new UpstreamUnavailableException("management", Duration.ofSeconds(5), new IllegalStateException()));
		assertThat(answeredLines(output)).hasSize(2)
			.last()
			.asString()
			.contains("503", "100 since the last report", "IllegalStateException");
	}

	@Test
	void handleWhenAnotherKindOfFailureFollowsThenItHasItsOwnLine(CapturedOutput output) {
		answer(new UpstreamUnavailableException("management", Duration.ofSeconds(5), null));
		answer(new UpstreamUnavailableException("management", Duration.ofSeconds(5), null));
		answer(new UpstreamBadResponseException("management", null));
		assertThat(answeredLines(output)).hasSize(2);
	}

	// Class names alone made a Management API 403 (a client grant without read:users, a
	// setup error) and a 5xx look alike: "UpstreamException". Its message is the
	// upstream, the kind and the status, never a body.
	@Test
	void handleWhenAnUpstreamRefusedThenTheLineNamesTheUpstreamKindAndStatus(CapturedOutput output) {
		answer(new UpstreamBadResponseException("management",
				new UpstreamException("management", UpstreamException.Kind.BAD_RESPONSE, 403, null, null)));

		assertThat(answeredLines(output)).singleElement().asString().contains("management bad_response 403");
	}

	// Only the body's own reading maps a client gone (RequestBodyReads); wrapped by
	// whatever read it, it is still the sender's 400, never a 500 at ERROR.
	@Test
	void handleUnexpectedWhenACutOffBodyIsWrappedThenBadRequestAndNothingAtError(CapturedOutput output) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.patch("/me/metadata"));
		Exception wrapped = new IllegalStateException("read failed", new RequestBodyIncompleteException(
				"Content-Length", new AbortedException("Connection has been closed")));

		StepVerifier.create(this.handler.handleUnexpected(wrapped, exchange))
			.assertNext((answer) -> assertThat(answer.getStatusCode().value()).isEqualTo(400))
			.verifyComplete();
		assertThat(output.getOut()).doesNotContain("unexpected failure").doesNotContain(" ERROR ");
	}

	// A bug that every request meets (or that anyone can trigger) was an ERROR line and a
	// stack trace per request: one per interval and kind of exception now, each with its
	// stack trace and how many there were.
	@Test
	void handleUnexpectedWhenRepeatedThenOneErrorLinePerIntervalWithItsStackTraceAndACount(CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			unexpected(new IllegalStateException("bug"));
		}
		assertThat(unexpectedLines(output)).hasSize(1);
		assertThat(output.getOut()).contains("java.lang.IllegalStateException: bug", "\tat ");

		this.clock.advance(ApiExceptionHandler.LOG_INTERVAL);
		unexpected(new IllegalStateException("bug"));
		assertThat(unexpectedLines(output)).hasSize(2).last().asString().contains("100 since the last report");
	}

	@Test
	void handleUnexpectedWhenAnotherKindOfExceptionFollowsThenItHasItsOwnLine(CapturedOutput output) {
		unexpected(new IllegalStateException("bug"));
		unexpected(new IllegalArgumentException("another bug"));

		assertThat(unexpectedLines(output)).hasSize(2);
		assertThat(output.getOut()).contains("java.lang.IllegalArgumentException: another bug");
	}

	private void unexpected(Exception failure) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		StepVerifier.create(this.handler.handleUnexpected(failure, exchange))
			.assertNext((answer) -> assertThat(answer.getStatusCode().value()).isEqualTo(500))
			.verifyComplete();
	}

	private static List<String> unexpectedLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("unexpected failure on GET /me")).toList();
	}

	private void answer(Exception failure) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		StepVerifier.create(this.handler.handleException(failure, exchange)).expectNextCount(1).verifyComplete();
	}

	private static List<String> answeredLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("GET /me answered")).toList();
	}

}
