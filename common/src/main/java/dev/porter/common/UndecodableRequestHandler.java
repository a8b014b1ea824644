package dev.porter.common;

import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One per connection, between Netty's HTTP codec and Reactor Netty's request handling:
 * when the codec could not decode a request (a request line or URI too long, headers too
 * large, a malformed request line or header), Reactor Netty answers 414, 431 or 400
 * itself with an empty body and closes the connection, before any of the service's code
 * runs. This handler notes the failed decoding and gives that one answer a problem body,
 * so that it reads like every other error of the service. Each service puts it in the
 * pipeline with the bodies its own problems are written as.
 */
public final class UndecodableRequestHandler extends ChannelDuplexHandler {

	/** Its name in the channel's pipeline. */
	public static final String NAME = "porter.undecodableRequestProblem";

	private final Map<Integer, byte[]> problems;

	private boolean decodingFailed;

	/**
	 * @param problems the problem+json body for each status Reactor Netty answers with
	 */
	public UndecodableRequestHandler(Map<Integer, byte[]> problems) {
		this.problems = problems;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
			this.decodingFailed = true;
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (this.decodingFailed && msg instanceof FullHttpResponse response && !response.content().isReadable()) {
			byte[] problem = this.problems.get(response.status().code());
			if (problem != null) {
				this.decodingFailed = false;
				FullHttpResponse withProblem = response.replace(Unpooled.wrappedBuffer(problem));
				response.release();
				withProblem.headers()
					.set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
					.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
					.setInt(HttpHeaderNames.CONTENT_LENGTH, problem.length);
				ctx.write(withProblem, promise);
				return;
			}
		}
		ctx.write(msg, promise);
	}

}
