package dev.porter.gateway.problem;

import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unexpected error is logged so an operator can find where it happened, but never with
 * what the request or the exception carried: Reactor's checkpoints quote the whole
 * request URI (a login callback's {@code code} and {@code state}), and messages can quote
 * upstream bodies or tokens.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnhandledErrorLogTests {

	private final ProblemExceptionHandler handler = new ProblemExceptionHandler(
			new ProblemWriter(JsonMapper.builder().build()), new StoreFailures(Clock.systemUTC()));

	@Test
	void handleWhenUnexpectedErrorThenLogsTypeAndFramesButNoQueryOrMessage(CapturedOutput output) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/login/oauth2/code/auth0?code=SECRET-CODE&state=SECRET-STATE"));
		Throwable failure = Mono.error(new IllegalStateException("token eyJSECRET-TOKEN refused"))
			.checkpoint("HTTP GET \"/login/oauth2/code/auth0?code=SECRET-CODE&state=SECRET-STATE\"")
			.onErrorResume((ex) -> Mono.just(ex))
			.cast(Throwable.class)
			.block();

		StepVerifier.create(this.handler.handle(exchange, failure)).verifyComplete();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(output).contains("unhandled error on GET /login/oauth2/code/auth0")
			.contains("java.lang.IllegalStateException")
			.contains("at dev.porter.gateway.problem.UnhandledErrorLogTests")
			.doesNotContain("SECRET-CODE")
			.doesNotContain("SECRET-STATE")
			.doesNotContain("SECRET-TOKEN");
	}

	@Test
	void handleWhenCauseChainThenEveryCauseTypeLoggedWithoutMessages(CapturedOutput output) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		RuntimeException failure = new RuntimeException("outer SECRET-A",
				new java.io.UncheckedIOException("middle SECRET-B", new java.io.IOException("inner SECRET-C")));

		StepVerifier.create(this.handler.handle(exchange, failure)).verifyComplete();

		assertThat(output).contains("java.lang.RuntimeException")
			.contains("java.io.UncheckedIOException")
			.contains("java.io.IOException")
			.doesNotContain("SECRET-");
	}

}
