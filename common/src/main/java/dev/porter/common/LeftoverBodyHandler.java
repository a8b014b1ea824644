package dev.porter.common;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One per connection, between Netty's HTTP codec and Reactor Netty's request handling:
 * closes the connection when the rest of an answered request's body has not come in
 * within the idle timeout of the answer's end. A service may answer before it reads the
 * body (a refusal: 401, 403, 413); Reactor Netty then goes on reading that body to drop
 * it, and its idle timeout counts each piece as activity, so a client declaring a huge
 * body and sending a byte now and then would hold the connection for ever. A client that
 * sends its body at once keeps the connection for its next request.
 */
public final class LeftoverBodyHandler extends ChannelDuplexHandler {

	/** Its name in the channel's pipeline. */
	public static final String NAME = "porter.leftoverBody";

	private final long timeoutNanos;

	/** Requests whose last content has come in. */
	private long requestsRead;

	/**
	 * Final answers sent in full; the n-th answers the n-th request, pipelined or not.
	 */
	private long answersEnded;

	private ScheduledFuture<?> closing;

	/**
	 * @param timeout how long the rest of an answered request's body may take
	 */
	public LeftoverBodyHandler(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof LastHttpContent) {
			this.requestsRead++;
			if (this.closing != null && this.requestsRead >= this.answersEnded) {
				stopClosing();
			}
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		boolean interim = msg instanceof HttpResponse response
				&& response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
		if (msg instanceof LastHttpContent && !interim) {
			this.answersEnded++;
			// An answer given while the request is being read may be written before the
			// rest of a body already received is decoded: the timer, not this moment,
			// tells.
			if (this.requestsRead < this.answersEnded && this.closing == null) {
				this.closing = ctx.executor().schedule(() -> {
					ctx.close();
				}, this.timeoutNanos, TimeUnit.NANOSECONDS);
			}
		}
		ctx.write(msg, promise);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		stopClosing();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		stopClosing();
	}

	private void stopClosing() {
		if (this.closing != null) {
			this.closing.cancel(false);
			this.closing = null;
		}
	}

}
