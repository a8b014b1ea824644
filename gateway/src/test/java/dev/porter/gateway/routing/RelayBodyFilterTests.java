package dev.porter.gateway.routing;

import java.nio.charset.StandardCharsets;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.support.FilterHarness;
import io.netty.channel.ChannelException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The relay's body check on its own: what it refuses before anything goes upstream, and
 * the one whole request it passes on.
 */
class RelayBodyFilterTests {

	private static final MediaType MERGE_PATCH = MediaType.valueOf("application/merge-patch+json");

	private final RelayBodyFilter filter = new RelayBodyFilter();

	private final FilterHarness.Recording chain = FilterHarness.recording();

	@Test
	void filterWhenBodyShorterThanDeclaredThenBodyIncompleteAndNothingRelayed() {
		MockServerHttpRequest request = MockServerHttpRequest.patch("/me/metadata")
			.contentType(MERGE_PATCH)
			.contentLength(40)
			.body("{\"theme\":\"dark\"}");

		ProblemDetail refused = refusal(request);

		assertThat(refused.getStatus()).isEqualTo(400);
		assertThat(refused.getType().toString()).endsWith("/body-incomplete");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenBodyLongerThanDeclaredThenBodyIncompleteAndNothingRelayed() {
		MockServerHttpRequest request = MockServerHttpRequest.patch("/me/metadata")
			.contentType(MERGE_PATCH)
			.contentLength(4)
			.body("{\"theme\":\"dark\"}");

		ProblemDetail refused = refusal(request);

		assertThat(refused.getType().toString()).endsWith("/body-incomplete");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenDeclaredLengthOverLimitThenPayloadTooLargeBeforeReading() {
		MockServerHttpRequest request = MockServerHttpRequest.patch("/me/metadata")
			.contentType(MediaType.APPLICATION_JSON)
			.contentLength(RelayBodyFilter.MAX_BODY_BYTES + 1)
			.body(Flux.error(new AssertionError("the body must not be read")));

		ProblemDetail refused = refusal(request);

		assertThat(refused.getStatus()).isEqualTo(413);
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenChunkedBodyGrowsOverLimitThenPayloadTooLarge() {
		MockServerHttpRequest request = MockServerHttpRequest.patch("/me/metadata")
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.TRANSFER_ENCODING, "chunked")
			.body(Flux.just(buffer("x".repeat(RelayBodyFilter.MAX_BODY_BYTES)), buffer("y")));

		ProblemDetail refused = refusal(request);

		assertThat(refused.getStatus()).isEqualTo(413);
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenBodyStopsArrivingThenRequestTimeout() {
		MockServerHttpRequest request = MockServerHttpRequest.patch("/me/metadata")
			.contentType(MediaType.APPLICATION_JSON)
			.contentLength(16)
			.body(Flux.concat(Flux.just(buffer("{\"theme\"")), Flux.error(new ChannelException("read timed out"))));

		ProblemDetail refused = refusal(request);

		assertThat(refused.getStatus()).isEqualTo(408);
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenBodyNotJsonThenUnsupportedMediaTypeNamingWhatTheRouteTakes() {
		MockServerHttpRequest request = MockServerHttpRequest.patch("/me/metadata")
			.contentType(MediaType.TEXT_PLAIN)
			.contentLength(10)
			.body("theme=dark");

		ProblemException refused = catchThrowableOfType(ProblemException.class, () -> run(request));

		assertThat(refused.getStatusCode().value()).isEqualTo(415);
		assertThat(refused.getHeaders().getFirst("Accept-Patch"))
			.isEqualTo("application/json, application/merge-patch+json");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	/**
	 * Only a body is held to the route's types; a request without one goes on (the
	 * upstream answers its method), with an empty body of a stated length as RFC 9110
	 * asks of a method that defines a body's meaning.
	 */
	@Test
	void filterWhenPostDeclaresNoBodyThenRelayedWithAnEmptyBodyWhateverItsType() {
		run(MockServerHttpRequest.post("/me").contentType(MediaType.TEXT_PLAIN).build());

		HttpHeaders relayed = this.chain.exchange().getRequest().getHeaders();
		assertThat(relayed.getContentLength()).isZero();
		assertThat(relayedBody(this.chain.exchange())).isEmpty();
	}

	@Test
	void filterWhenPutBodyNotJsonThenUnsupportedMediaTypeWithoutAcceptPatch() {
		MockServerHttpRequest request = MockServerHttpRequest.put("/me/metadata")
			.contentType(MediaType.TEXT_PLAIN)
			.contentLength(10)
			.body("theme=dark");

		ProblemException refused = catchThrowableOfType(ProblemException.class, () -> run(request));

		assertThat(refused.getStatusCode().value()).isEqualTo(415);
		assertThat(refused.getHeaders().containsHeader("Accept-Patch")).isFalse();
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenContentTypeUnparsableThenUnsupportedMediaType() {
		MockServerHttpRequest request = MockServerHttpRequest.patch("/me/metadata")
			.header(HttpHeaders.CONTENT_TYPE, "json;;;")
			.contentLength(2)
			.body(Flux.just(buffer("{}")));

		assertThat(refusal(request).getStatus()).isEqualTo(415);
	}

	@Test
	void filterWhenGetDeclaresBodyThenBodyNotAllowedNamingTheFramingHeader() {
		MockServerHttpRequest withLength = MockServerHttpRequest.method(HttpMethod.GET, "/me")
			.contentLength(2)
			.body("{}");
		MockServerHttpRequest chunked = MockServerHttpRequest.method(HttpMethod.DELETE, "/me")
			.header(HttpHeaders.TRANSFER_ENCODING, "chunked")
			.body("{}");

		ProblemDetail lengthRefused = refusal(withLength);
		ProblemDetail chunkedRefused = refusal(chunked);

		assertThat(lengthRefused.getStatus()).isEqualTo(400);
		assertThat(lengthRefused.getProperties()).containsEntry("header", HttpHeaders.CONTENT_LENGTH);
		assertThat(chunkedRefused.getProperties()).containsEntry("header", HttpHeaders.TRANSFER_ENCODING);
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenChunkedJsonBodyThenRelayedWholeWithItsTrueLengthAndNoBrowserFraming() {
		MockServerHttpRequest request = MockServerHttpRequest.patch("/me/metadata")
			.contentType(MERGE_PATCH)
			.header(HttpHeaders.TRANSFER_ENCODING, "chunked")
			.header(HttpHeaders.EXPECT, "100-continue")
			.header(HttpHeaders.ACCEPT, "application/json")
			.body(Flux.just(buffer("{\"theme\":"), buffer("\"dark\"}")));

		run(request);

		HttpHeaders relayed = this.chain.exchange().getRequest().getHeaders();
		assertThat(relayed.getContentLength()).isEqualTo(16);
		assertThat(relayed.containsHeader(HttpHeaders.TRANSFER_ENCODING)).isFalse();
		assertThat(relayed.containsHeader(HttpHeaders.EXPECT)).isFalse();
		assertThat(relayed.getFirst(HttpHeaders.ACCEPT)).isEqualTo("application/json");
		assertThat(relayedBody(this.chain.exchange())).isEqualTo("{\"theme\":\"dark\"}");
	}

	@Test
	void filterWhenGetWithoutBodyThenRelayedWithoutFramingOrBody() {
		run(MockServerHttpRequest.get("/me").build());

		HttpHeaders relayed = this.chain.exchange().getRequest().getHeaders();
		assertThat(relayed.containsHeader(HttpHeaders.CONTENT_LENGTH)).isFalse();
		assertThat(relayedBody(this.chain.exchange())).isEmpty();
	}

	@Test
	void filterWhenGetWithEmptyLengthAndExpectThenRelayedWithoutEither() {
		run(MockServerHttpRequest.get("/me")
			.header(HttpHeaders.CONTENT_LENGTH, "0")
			.header(HttpHeaders.EXPECT, "100-continue")
			.header(HttpHeaders.ACCEPT, "application/json")
			.build());

		HttpHeaders relayed = this.chain.exchange().getRequest().getHeaders();
		assertThat(relayed.containsHeader(HttpHeaders.CONTENT_LENGTH)).isFalse();
		assertThat(relayed.containsHeader(HttpHeaders.EXPECT)).isFalse();
		assertThat(relayed.getFirst(HttpHeaders.ACCEPT)).isEqualTo("application/json");
		assertThat(relayedBody(this.chain.exchange())).isEmpty();
	}

	@Test
	void orderWhenSortedThenAfterTheRateLimitAndBeforeTheTokenRelay() {
		assertThat(this.filter.getOrder()).isGreaterThan(RateLimitFilter.ORDER)
			.isLessThan(dev.porter.gateway.token.TokenRelayFilter.ORDER);
	}

	private ProblemDetail refusal(MockServerHttpRequest request) {
		return catchThrowableOfType(ProblemException.class, () -> run(request)).getBody();
	}

	private void run(MockServerHttpRequest request) {
		this.filter.filter(MockServerWebExchange.from(request), this.chain).block();
	}

	private static String relayedBody(ServerWebExchange exchange) {
		return DataBufferUtils.join(exchange.getRequest().getBody())
			.map((buffer) -> buffer.toString(StandardCharsets.UTF_8))
			.defaultIfEmpty("")
			.block();
	}

	private static DataBuffer buffer(String text) {
		return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
