package dev.porter.common;

import java.time.Duration;
import java.util.Collection;

import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CompleteableCommand;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.jspecify.annotations.Nullable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Closes a Redis connection as soon as Redis answers one of its commands with
 * {@code READONLY}, so that Lettuce opens a new one.
 * <p>
 * A failover that leaves the old primary running demotes it to a replica: a managed
 * Redis's primary endpoint (a DNS name) then names the new primary, or an operator turned
 * the node into a replica in place. Either way the connections open to the old node stay
 * open, and it goes on answering reads and PINGs while refusing every write with
 * {@code READONLY}, for as long as the connection lasts: nothing else would ever close
 * it. A new connection resolves the address again and so reaches whatever the endpoint
 * names now; to a node that is still a replica, the next {@code READONLY} closes that one
 * too. The command that met the refusal has failed already; the others in flight on the
 * connection fare as after any lost connection.
 */
public final class ReadOnlyConnections implements NettyCustomizer {

	/** The code of Redis's answer to a write on a replica. */
	private static final String READONLY = "READONLY";

	private static final Logger logger = Loggers.getLogger(ReadOnlyConnections.class);

	/**
	 * One warning a minute: to a node that stays a replica (a {@code REDIS_URL} that
	 * names one), every write closes the connection again.
	 */
	private final OncePerInterval reports = OncePerInterval.ofNanoTime(Duration.ofMinutes(1), System::nanoTime);

	@Override
	public void afterChannelInitialized(Channel channel) {
		// Last, next to where Lettuce writes: it sees the commands themselves, before
		// they are encoded (and encrypted).
		channel.pipeline().addLast(new Watch(this));
	}

	/**
	 * Whether {@code error}, an error answer of Redis's, comes from a replica: also a
	 * script's whose write it refused, as Redis before 7 wraps it
	 * ({@link RedisErrorCodes}).
	 */
	public static boolean fromReplica(@Nullable String error) {
		return READONLY.equals(RedisErrorCodes.of(error));
	}

	private void closing(Channel channel) {
		long closes = this.reports.count();
		String message = "Redis at " + channel.remoteAddress()
				+ " is a replica: it answered a write with READONLY, as a primary demoted by a failover does;"
				+ " closing the connection so that a new one reaches the primary";
		if (closes > 0) {
			logger.warn(message + " (" + closes + " closed so since the last message)");
		}
		else {
			logger.debug(message);
		}
	}

	/** One connection's watch: looks at the answer of each command written. */
	static final class Watch extends ChannelOutboundHandlerAdapter {

		private final ReadOnlyConnections owner;

		Watch(ReadOnlyConnections owner) {
			this.owner = owner;
		}

		@Override
		public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
			if (message instanceof RedisCommand<?, ?, ?> command) {
				watch(context.channel(), command);
			}
			else if (message instanceof Collection<?> commands) {
				for (Object command : commands) {
					if (command instanceof RedisCommand<?, ?, ?> one) {
						watch(context.channel(), one);
					}
				}
			}
			context.write(message, promise);
		}

		/**
		 * The answer's error is read from the command's output: a reactive command
		 * completes without handing it over.
		 */
		private void watch(Channel channel, RedisCommand<?, ?, ?> command) {
			if (!(command instanceof CompleteableCommand<?> completeable)) {
				return;
			}
			completeable.onComplete((result, failure) -> {
				CommandOutput<?, ?, ?> output = command.getOutput();
				if (output != null && fromReplica(output.getError()) && channel.isActive()) {
					this.owner.closing(channel);
					channel.close();
				}
			});
		}

	}

}
