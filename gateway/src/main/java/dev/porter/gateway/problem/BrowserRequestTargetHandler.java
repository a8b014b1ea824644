package dev.porter.gateway.problem;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Between Netty's HTTP codec and Reactor Netty's request handling: a request whose target
 * holds characters browsers send unencoded, which Spring would refuse with a bare 400, is
 * passed on percent-encoded ({@link BrowserRequestTargets}). A request the codec could
 * not decode is left as it is, for Reactor Netty to refuse. Holds nothing, so one serves
 * every connection.
 */
@ChannelHandler.Sharable
final class BrowserRequestTargetHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "porter.browserRequestTarget";

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest request && !request.decoderResult().isFailure()) {
			String target = BrowserRequestTargets.encoded(request.uri());
			if (target != null) {
				request.setUri(target);
			}
		}
		ctx.fireChannelRead(msg);
	}

}
