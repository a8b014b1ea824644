package dev.porter.gateway.routing;

import java.util.List;
import java.util.Set;

import dev.porter.gateway.problem.BodyReadFailures;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * What the relay sends upstream is exactly one whole request or nothing. The gateway
 * keeps connections to profile-service open and shares them between users, so a
 * {@code Content-Length} that promises more than is sent makes profile-service read the
 * next request on that connection — another user's — as the rest of the body. Hence:
 * <ul>
 * <li>a body is read here in full (at most {@link #MAX_BODY_BYTES}) and relayed with its
 * true {@code Content-Length}: never chunked, never with the browser's length;</li>
 * <li>a request the route cannot take is refused before relaying: a body of another type
 * than JSON ({@code 415}, with {@code Accept-Patch} on a {@code PATCH}), a body on a
 * method without one ({@code 400}), too large ({@code 413}), not matching its declared
 * length ({@code 400}), or not complete in time ({@code 408},
 * {@link RequestReadTimeout}).</li>
 * </ul>
 * A request that declares no body is not held to the body's rules: on a method that may
 * carry one it is relayed with an empty body of a stated length, and profile-service
 * answers it, a method it does not take with {@code 405} and {@code Allow}.
 */
class RelayBodyFilter implements GatewayFilter, Ordered {

	/**
	 * After the rate limit (a refused request still counts), before the token relay (no
	 * refresh for a request that goes nowhere).
	 */
	static final int ORDER = RateLimitFilter.ORDER + 1;

	/** profile-service's own limit for {@code PATCH /me/metadata} (design.md). */
	static final int MAX_BODY_BYTES = 16 * 1024;

	static final List<MediaType> ACCEPTED = List.of(MediaType.APPLICATION_JSON,
			MediaType.valueOf("application/merge-patch+json"));

	private static final String ACCEPTED_LIST = "application/json, application/merge-patch+json";

	private static final byte[] NO_BODY = new byte[0];

	private static final Set<HttpMethod> WITHOUT_BODY = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE,
			HttpMethod.OPTIONS, HttpMethod.TRACE);

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		boolean declaresBody = headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
		if (WITHOUT_BODY.contains(request.getMethod())) {
			if (declaresBody) {
				return Mono.error(problem(Problems.bodyNotAllowed(request.getMethod().name(), framing(headers))));
			}
			// Most requests: nothing to take away, so no copy of the headers.
			return hasFraming(headers) ? Mono.fromSupplier(() -> withBody(exchange, null)).flatMap(chain::filter)
					: chain.filter(exchange);
		}
		if (!declaresBody) {
			// Nothing to read: HTTP/1.1 frames a request body by these two headers alone.
			return Mono.fromSupplier(() -> withBody(exchange, NO_BODY)).flatMap(chain::filter);
		}
		if (!isAccepted(headers)) {
			return Mono.error(unsupportedMediaType(request.getMethod()));
		}
		if (headers.getContentLength() > MAX_BODY_BYTES) {
			return Mono.error(problem(Problems.bodyTooLarge(MAX_BODY_BYTES)));
		}
		return readWhole(exchange).flatMap((body) -> chain.filter(withBody(exchange, body)));
	}

	/**
	 * The types the route takes, named in {@code Accept-Patch} too on a {@code PATCH}:
	 * that header speaks of {@code PATCH} alone (RFC 5789, 3.1).
	 */
	private static ProblemException unsupportedMediaType(HttpMethod method) {
		ProblemException refused = problem(Problems.unsupportedMediaType(ACCEPTED_LIST));
		if (HttpMethod.PATCH.equals(method)) {
			refused.getHeaders().set("Accept-Patch", ACCEPTED_LIST);
		}
		return refused;
	}

	private static String framing(HttpHeaders headers) {
		return headers.containsHeader(HttpHeaders.TRANSFER_ENCODING) ? HttpHeaders.TRANSFER_ENCODING
				: HttpHeaders.CONTENT_LENGTH;
	}

	/**
	 * Any of the headers a bodiless request is relayed without. {@code Transfer-Encoding}
	 * is not among them: a request carrying it declares a body and is refused before.
	 */
	private static boolean hasFraming(HttpHeaders headers) {
		return headers.containsHeader(HttpHeaders.CONTENT_LENGTH) || headers.containsHeader(HttpHeaders.EXPECT);
	}

	private static boolean isAccepted(HttpHeaders headers) {
		try {
			MediaType type = headers.getContentType();
			return type != null && ACCEPTED.stream().anyMatch(type::equalsTypeAndSubtype);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private static Mono<byte[]> readWhole(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		long declared = request.getHeaders().getContentLength();
		return BodyReadFailures
			.answered(DataBufferUtils.join(request.getBody(), MAX_BODY_BYTES)
				.map(RelayBodyFilter::bytesOf)
				.defaultIfEmpty(new byte[0])
				.onErrorMap(DataBufferLimitException.class, (ex) -> problem(Problems.bodyTooLarge(MAX_BODY_BYTES))),
					"request body", request.getPath())
			.flatMap((body) -> (declared >= 0 && declared != body.length)
					? Mono.error(problem(Problems.bodyIncomplete())) : Mono.just(body));
	}

	private static byte[] bytesOf(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/**
	 * The request as relayed: {@code body} with its own length, or no body and no framing
	 * headers at all.
	 */
	private static ServerWebExchange withBody(ServerWebExchange exchange, byte @Nullable [] body) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders original = request.getHeaders();
		HttpHeaders headers = new HttpHeaders();
		headers.addAll(original);
		// The firewall checks a header of the request when it is read, and not when it is
		// copied; a copy checks nothing. The header the relay reads (UpstreamCall) is
		// therefore read here through the firewall, which refuses a bad value as it would
		// without a copy.
		List<String> connection = original.get(HttpHeaders.CONNECTION);
		if (connection != null) {
			headers.put(HttpHeaders.CONNECTION, connection);
		}
		headers.remove(HttpHeaders.TRANSFER_ENCODING);
		headers.remove(HttpHeaders.CONTENT_LENGTH);
		// The body is already here: this server answered the browser's "100-continue".
		headers.remove(HttpHeaders.EXPECT);
		if (body != null) {
			headers.setContentLength(body.length);
		}
		return exchange.mutate().request(new ServerHttpRequestDecorator(request) {

			@Override
			public HttpHeaders getHeaders() {
				return headers;
			}

			@Override
			public Flux<DataBuffer> getBody() {
				return (body != null) ? Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)))
						: Flux.empty();
			}

		}).build();
	}

	private static ProblemException problem(org.springframework.http.ProblemDetail problem) {
		return new ProblemException(problem, null);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
