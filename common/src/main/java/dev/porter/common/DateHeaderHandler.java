package dev.porter.common;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Dates every final answer of a server by its clock ({@code Date}, RFC 9110 6.6.1: an
 * origin server with a clock must send it on every {@code 2xx}, {@code 3xx} and
 * {@code 4xx}), which Reactor Netty does not. One handler for all the server's
 * connections, right behind Netty's HTTP codec, so that every answer gets it: the
 * service's own, the ones Reactor Netty writes itself (a request it could not decode),
 * and those refused before any handler ran. An answer that already has a {@code Date}
 * keeps it; an interim one gets none (RFC 9110 allows that, and Reactor Netty's
 * {@code 100 Continue} shares its headers between connections).
 * <p>
 * The value is built once per second of the clock and shared: an answer costs a read of
 * the clock and one header put.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1">RFC 9110, 6.6.1
 * Date</a>
 */
@ChannelHandler.Sharable
public final class DateHeaderHandler extends ChannelOutboundHandlerAdapter {

	/** Its name in the channel's pipeline. */
	public static final String NAME = "porter.dateHeader";

	/** IMF-fixdate (RFC 9110, 5.6.7): a day of the month always in two digits. */
	private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	private final Clock clock;

	/** The latest second's value; replaced whole, so a reader sees a matching pair. */
	private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, AsciiString.EMPTY_STRING);

	public DateHeaderHandler(Clock clock) {
		this.clock = clock;
	}

	/**
	 * {@code server} dating every answer on {@code clock}, on its HTTP/1.1 connections. A
	 * server that may speak HTTP/2 ({@code server.http2.enabled}) builds pipelines
	 * without the codec this handler sits behind: its answers stay undated.
	 */
	public static HttpServer dateAnswers(HttpServer server, Clock clock) {
		DateHeaderHandler handler = new DateHeaderHandler(clock);
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, handler);
			}
		});
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL
				&& !response.headers().contains(HttpHeaderNames.DATE)) {
			response.headers().set(HttpHeaderNames.DATE, now());
		}
		ctx.write(msg, promise);
	}

	private AsciiString now() {
		long second = Math.floorDiv(this.clock.millis(), 1000);
		Stamp latest = this.stamp;
		if (latest.second() != second) {
			// Two event loops may both build it at a second's turn: the same value.
			latest = new Stamp(second, new AsciiString(IMF_FIXDATE.format(Instant.ofEpochSecond(second))));
			this.stamp = latest;
		}
		return latest.value();
	}

	private record Stamp(long second, AsciiString value) {
	}

}
