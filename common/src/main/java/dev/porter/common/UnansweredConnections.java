package dev.porter.common;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Closes a Redis connection that has left what was written to it unanswered for
 * {@value #SILENT_CHECKS} checks in a row, one check every command timeout, so that
 * Lettuce opens a new one.
 * <p>
 * Lettuce opens a new connection only when the old one closes, and a connection whose
 * peer vanished without a reset never closes by itself: a host that died, or a pod
 * replaced behind an address whose connection tracking still leads to the old one. Every
 * command on it fails after {@code REDIS_TIMEOUT} (the callers get 503s), and that goes
 * on after Redis is back, until the kernel gives up retransmitting, some fifteen minutes
 * later ({@code tcp_retries2}). Keep-alive probes do not help while data is
 * unacknowledged, and the socket option meant for it, {@code TCP_USER_TIMEOUT}, needs
 * Netty's native transport, whose files do not resolve for the Netty in use
 * (docs/benchmarks.md).
 * <p>
 * A connection is silent at a check when something was written since the last read and
 * nothing was read since the previous check. An idle connection (nothing written) and one
 * that only receives (the key tracking's invalidations) are never silent. Closed after
 * three to four command timeouts of silence (1.5 to 2 s by default), a connection to a
 * Redis that merely paused (a fork, a slow script) only costs a reconnect; its commands
 * had failed already.
 */
public final class UnansweredConnections implements NettyCustomizer {

	/** Checks in a row at which a connection must be silent to be closed. */
	static final int SILENT_CHECKS = 4;

	private static final Logger logger = Loggers.getLogger(UnansweredConnections.class);

	private final Duration checkEvery;

	/**
	 * Whether a close was logged at warning level and no connection opened since has
	 * answered: while Redis stays gone, each connection opened again is closed again a
	 * few seconds later, which only whoever debugs needs to read each time.
	 */
	private volatile boolean closeReported;

	/** Counts the closes logged at warning level. */
	private volatile int closesReported;

	/**
	 * @param checkEvery the command timeout: how often each connection is checked
	 */
	public UnansweredConnections(Duration checkEvery) {
		this.checkEvery = checkEvery;
	}

	@Override
	public void afterChannelInitialized(Channel channel) {
		// First, next to the socket: it sees every byte, encrypted or not, and no
		// handler's own exchanges (TLS's, the handshake's) hide from it.
		channel.pipeline().addFirst(new Watch(this));
	}

	private void closing(Channel channel) {
		String message = "Redis left the connection to " + channel.remoteAddress() + " unanswered for "
				+ this.checkEvery.multipliedBy(SILENT_CHECKS - 1).toMillis()
				+ " ms or more; closing it so that a new one is opened";
		if (this.closeReported) {
			logger.debug(message);
		}
		else {
			this.closesReported++;
			this.closeReported = true;
			logger.warn(message);
		}
	}

	/**
	 * A connection opened after the last close logged at warning level read something: an
	 * older one may have read what Redis sent before it went silent.
	 */
	private void answered(int closesReportedWhenOpened) {
		if (this.closeReported && closesReportedWhenOpened == this.closesReported) {
			this.closeReported = false;
			logger.info("Redis answers again");
		}
	}

	/** One connection's watch; every method runs on the connection's event loop. */
	static final class Watch extends ChannelDuplexHandler {

		private final UnansweredConnections owner;

		private int closesReportedWhenOpened;

		/** Whether something was written since the last read. */
		private boolean awaitingAnswer;

		private boolean readSinceCheck;

		private int silentChecks;

		private @Nullable ScheduledFuture<?> checks;

		Watch(UnansweredConnections owner) {
			this.owner = owner;
		}

		@Override
		public void channelActive(ChannelHandlerContext context) throws Exception {
			this.closesReportedWhenOpened = this.owner.closesReported;
			long every = this.owner.checkEvery.toNanos();
			this.checks = context.executor()
				.scheduleAtFixedRate(() -> check(context), every, every, TimeUnit.NANOSECONDS);
			super.channelActive(context);
		}

		@Override
		public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
			this.awaitingAnswer = true;
			context.write(message, promise);
		}

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
			this.awaitingAnswer = false;
			this.readSinceCheck = true;
			context.fireChannelRead(message);
		}

		private void check(ChannelHandlerContext context) {
			if (this.readSinceCheck) {
				// here, not on each read: the flag is shared by every connection
				this.owner.answered(this.closesReportedWhenOpened);
			}
			boolean silent = this.awaitingAnswer && !this.readSinceCheck;
			this.readSinceCheck = false;
			this.silentChecks = silent ? this.silentChecks + 1 : 0;
			if (this.silentChecks >= SILENT_CHECKS) {
				this.owner.closing(context.channel());
				stopChecks();
				context.close();
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext context) throws Exception {
			stopChecks();
			super.channelInactive(context);
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext context) {
			stopChecks();
		}

		private void stopChecks() {
			ScheduledFuture<?> checks = this.checks;
			this.checks = null;
			if (checks != null) {
				checks.cancel(false);
			}
		}

	}

}
