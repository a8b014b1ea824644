package dev.porter.common;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * One per connection, right behind Netty's HTTP codec: closes the connection, without an
 * answer, once it has owed no answer for the idle timeout. That is a connection that sent
 * nothing since it opened or since its last answer, one whose request head has not come
 * in whole (the codec hands on nothing before, so header lines trickled in do not count),
 * and one still sending the body of a request already answered (a refusal given before
 * the body was read: its pieces do not count either, or a client declaring a huge body
 * and sending a byte now and then would hold the connection for ever). A request not yet
 * answered is never cut here: its body and its answer have timeouts of their own.
 * <p>
 * Requests and answers are only counted, and one check per connection runs each time the
 * timeout could have been reached; it is rearmed when it runs, never per request, so a
 * keep-alive connection carrying requests back to back schedules nothing. (Reactor
 * Netty's own idle timeout adds a handler to the pipeline and removes it for every
 * request, and counts each piece of an answered body as activity.)
 */
public final class IdleConnectionHandler extends ChannelDuplexHandler {

	/** Its name in the channel's pipeline. */
	public static final String NAME = "porter.idleConnection";

	private final long timeoutNanos;

	/** Request heads decoded. */
	private long requestsBegun;

	/**
	 * Final answers sent in full; the n-th answers the n-th request, pipelined or not.
	 */
	private long answersEnded;

	/**
	 * When the connection last came to owe no answer, on its event loop's ticker.
	 */
	private long idleSince;

	private ScheduledFuture<?> check;

	/**
	 * @param timeout how long a connection may owe no answer before it is closed
	 */
	public IdleConnectionHandler(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * {@code server} closing each connection that owes no answer for {@code timeout}: one
	 * of these handlers behind each connection's HTTP/1.1 codec. A server that may speak
	 * HTTP/2 ({@code server.http2.enabled}) builds pipelines without that codec where the
	 * handler could sit; it gets Reactor Netty's own idle timeout instead, which covers
	 * all but the trickled body of an answered request.
	 */
	public static HttpServer closeIdleConnections(HttpServer server, Duration timeout) {
		if (!Arrays.equals(server.configuration().protocols(), new HttpProtocol[] { HttpProtocol.HTTP11 })) {
			return server.idleTimeout(timeout);
		}
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, new IdleConnectionHandler(timeout));
			}
		});
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		// A server's accepted connection is already active when its pipeline is built.
		if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
			startChecking(ctx);
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		startChecking(ctx);
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest) {
			this.requestsBegun++;
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		boolean interim = msg instanceof HttpResponse response
				&& response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
		if (msg instanceof LastHttpContent && !interim) {
			this.answersEnded++;
			if (!owesAnswer()) {
				this.idleSince = now(ctx);
			}
		}
		ctx.write(msg, promise);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		stopChecking();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		stopChecking();
	}

	private void startChecking(ChannelHandlerContext ctx) {
		if (this.check == null) {
			this.idleSince = now(ctx);
			scheduleCheck(ctx, this.timeoutNanos);
		}
	}

	private void check(ChannelHandlerContext ctx) {
		if (!ctx.channel().isOpen()) {
			return;
		}
		if (owesAnswer()) {
			scheduleCheck(ctx, this.timeoutNanos);
			return;
		}
		long left = this.idleSince + this.timeoutNanos - now(ctx);
		if (left <= 0) {
			ctx.close();
		}
		else {
			scheduleCheck(ctx, left);
		}
	}

	private boolean owesAnswer() {
		return this.answersEnded < this.requestsBegun;
	}

	private void scheduleCheck(ChannelHandlerContext ctx, long delayNanos) {
		this.check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
	}

	private void stopChecking() {
		if (this.check != null) {
			this.check.cancel(false);
		}
	}

	private static long now(ChannelHandlerContext ctx) {
		return ctx.executor().ticker().nanoTime();
	}

}
