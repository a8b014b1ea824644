package dev.porter.profile.problem;

import java.io.IOException;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the sender of a body can make its reading end with is the sender's doing, logged
 * at INFO at most once a minute with a count (anyone holding a token can cause it at
 * will), never without its problem: the service's own side is in {@code CutOffBodyTests}
 * and {@code RequestDeadlineTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestBodyReadsTests {

	private final MutableClock clock = new MutableClock();

	private final RequestBodyReads reads = new RequestBodyReads(this.clock);

	@Test
	void readWhenTheCallerLeavesMidBodyRepeatedlyThenBadRequestAndOneInfoLinePerIntervalWithACount(
			CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			readExpectingCutOff(new AbortedException("Connection has been closed"));
		}
		assertThat(cutOffLines(output)).singleElement()
			.asString()
			.contains(" INFO ", "AbortedException", "PATCH (not routed)", "1 since the last report");

		this.clock.advance(RequestBodyReads.LOG_INTERVAL);
		readExpectingCutOff(new SocketException("Connection reset"));
		assertThat(cutOffLines(output)).hasSize(2)
			.last()
			.asString()
			.contains("SocketException", "100 since the last report");
		assertThat(output.getAll()).doesNotContain("\tat ");
	}

	// Only the body's own reading is the sender's: an upstream call's IOException is not.
	@Test
	void filterWhenSomethingElseFailsWithAnIOExceptionThenPassedOnAsItIs(CapturedOutput output) {
		IOException upstream = new IOException("upstream reset");
		WebFilterChain chain = (exchange) -> Mono.error(upstream);

		StepVerifier.create(this.reads.filter(patch(Flux.empty()), chain)).verifyErrorSatisfies((ex) -> {
			assertThat(ex).isSameAs(upstream);
		});
		assertThat(cutOffLines(output)).isEmpty();
	}

	@Test
	void stillArrivingWhileTheBodyIsReadAndNotOnceItIsWhole() {
		ServerWebExchange exchange = patch(Flux.just(buffer("{}")));
		AtomicBoolean arrivingWhileRead = new AtomicBoolean();
		WebFilterChain chain = (filtered) -> filtered.getRequest()
			.getBody()
			.doOnNext((buffer) -> arrivingWhileRead.set(RequestBodyReads.stillArriving(filtered)))
			.doOnNext(DataBufferUtils::release)
			.then();

		StepVerifier.create(this.reads.filter(exchange, chain)).verifyComplete();
		assertThat(arrivingWhileRead).isTrue();
		assertThat(RequestBodyReads.stillArriving(exchange)).isFalse();
	}

	@Test
	void timedOutWhenRepeatedThenRequestTimeoutClosingTheConnectionAndOneInfoLinePerInterval(CapturedOutput output) {
		RequestBodyTimeoutException answer = null;
		for (int i = 0; i < 3; i++) {
			answer = this.reads.timedOut(patch(Flux.never()));
		}
		assertThat(answer.getStatusCode().value()).isEqualTo(408);
		assertThat(answer.getHeaders().getFirst(HttpHeaders.CONNECTION)).isEqualTo("close");
		assertThat(output.getOut().lines().filter((line) -> line.contains("answered 408"))).singleElement()
			.asString()
			.contains(" INFO ", "request deadline");
	}

	private void readExpectingCutOff(Exception failure) {
		ServerWebExchange exchange = patch(Flux.concat(Flux.just(buffer("{\"theme\":")), Flux.error(failure)));
		WebFilterChain chain = (filtered) -> DataBufferUtils.join(filtered.getRequest().getBody()).then();

		StepVerifier.create(this.reads.filter(exchange, chain)).verifyErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(RequestBodyIncompleteException.class).hasCause(failure);
			assertThat(((RequestBodyIncompleteException) ex).getBody().getProperties()).containsEntry("header",
					"Content-Length");
		});
	}

	private static MockServerWebExchange patch(Flux<DataBuffer> body) {
		return MockServerWebExchange.from(MockServerHttpRequest.patch("/me/metadata?secret=1")
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.contentLength(100)
			.body(body));
	}

	private static DataBuffer buffer(String text) {
		return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes());
	}

	private static List<String> cutOffLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("request body cut off")).toList();
	}

}
