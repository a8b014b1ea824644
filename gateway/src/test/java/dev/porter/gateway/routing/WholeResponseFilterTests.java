package dev.porter.gateway.routing;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class WholeResponseFilterTests {

	private final WholeResponseFilter filter = new WholeResponseFilter();

	@Test
	void filterWhenUpstreamBodyHasSmallContentLengthThenServerWritesOneBuffer() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		this.filter.filter(exchange, writeInChunks(12, "{\"sub\":", "\"alice\"}")).block();

		StepVerifier.create(exchange.getResponse().getBody().map(WholeResponseFilterTests::text))
			.expectNext("{\"sub\":\"alice\"}")
			.verifyComplete();
	}

	@Test
	void filterWhenUpstreamBodyHasNoContentLengthThenServerStreamsItsChunks() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		this.filter.filter(exchange, writeInChunks(-1, "{\"sub\":", "\"alice\"}")).block();

		StepVerifier.create(exchange.getResponse().getBody().map(WholeResponseFilterTests::text))
			.expectNext("{\"sub\":", "\"alice\"}")
			.verifyComplete();
	}

	@Test
	void filterWhenUpstreamBodyLargerThanLimitThenServerStreamsItsChunks() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		String half = "x".repeat((int) WholeResponseFilter.MAX_WHOLE_BYTES / 2 + 1);

		this.filter.filter(exchange, writeInChunks(2L * half.length(), half, half)).block();

		StepVerifier.create(exchange.getResponse().getBody().map(DataBuffer::readableByteCount))
			.expectNext(half.length(), half.length())
			.verifyComplete();
	}

	@Test
	void orderWhenSortedWithGatewayFiltersThenRunsBeforeTheUpstreamBodyIsWritten() {
		assertThat(this.filter.getOrder())
			.isLessThan(org.springframework.cloud.gateway.filter.NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER);
	}

	/**
	 * Stands in for Spring Cloud Gateway's routing: the upstream body arrives as chunks.
	 */
	private static GatewayFilterChain writeInChunks(long contentLength, String... chunks) {
		return (exchange) -> {
			if (contentLength >= 0) {
				exchange.getResponse().getHeaders().setContentLength(contentLength);
			}
			return exchange.getResponse()
				.writeWith(Flux.fromArray(chunks)
					.map((chunk) -> DefaultDataBufferFactory.sharedInstance
						.wrap(chunk.getBytes(StandardCharsets.UTF_8))));
		};
	}

	private static String text(DataBuffer buffer) {
		return buffer.toString(StandardCharsets.UTF_8);
	}

}
