package dev.porter.gateway.routing;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * Hands a small upstream answer of known length to the browser's connection as one
 * buffer. {@link UpstreamCall} passes the upstream body on as a stream, and Reactor Netty
 * then writes the status line and headers and the body in separate socket writes; as one
 * buffer, it writes them together. Answers without a {@code Content-Length}, or larger
 * than {@link #MAX_WHOLE_BYTES}, still stream.
 */
class WholeResponseFilter implements GatewayFilter, Ordered {

	/** Larger than any profile; small enough that holding it is no memory concern. */
	static final long MAX_WHOLE_BYTES = 256 * 1024;

	/**
	 * Before Spring Cloud Gateway's filter that writes the upstream body, for a route of
	 * its own; {@link RelayHandler} runs it first and writes through its decorator.
	 */
	static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return chain.filter(exchange.mutate().response(new Whole(exchange.getResponse())).build());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private static final class Whole extends ServerHttpResponseDecorator {

		Whole(ServerHttpResponse delegate) {
			super(delegate);
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			long length = getHeaders().getContentLength();
			if (body instanceof Mono || length < 0 || length > MAX_WHOLE_BYTES) {
				return super.writeWith(body);
			}
			return super.writeWith(DataBufferUtils.join(body));
		}

	}

}
