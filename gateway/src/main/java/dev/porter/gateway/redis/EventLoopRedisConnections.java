package dev.porter.gateway.redis;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porter.common.OncePerInterval;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * One Redis connection per event loop of the web server, each opened on its own loop: the
 * gateway's only connections to Redis.
 * <p>
 * With Lettuce's own threads, a request's Redis command was written by the server's loop,
 * answered on a Lettuce thread, and everything after it — the rest of the security chain,
 * the relay, the next command — ran there: every Redis-mode request funnelled through the
 * one thread of the shared connection, a ceiling on a host with more cores than two. Here
 * a command issued on a server loop goes out and is answered on that same loop, as a
 * relayed request without Redis already is (on two cores, throughput did not change:
 * docs/benchmarks.md, fifth round).
 * <p>
 * Nothing here ever blocks a loop. Each connection is opened asynchronously when the
 * gateway starts and, should Redis not answer then, again every {@code retryDelay} until
 * it does; while a loop's connection is not connected, a command from that loop goes over
 * another loop's that is, and fails at once with a
 * {@link RedisConnectionFailureException} (the caller's 503) when none is. Spring Data
 * Redis opens its shared connection on the first thread that needs it and waits there: on
 * a loop, every request of that loop waited too, up to {@code REDIS_TIMEOUT} per request
 * with a Redis that takes connections and never answers (liveness probes included), and
 * with Lettuce on the server's loops it would wait for ever for the very loop it blocks.
 * Once open, Lettuce reconnects a connection by itself (see {@code RedisConfiguration}).
 */
final class EventLoopRedisConnections {

	private static final Log logger = LogFactory.getLog(EventLoopRedisConnections.class);

	private final List<Slot> slots = new ArrayList<>();

	/** One warning a minute while connections keep reaching a replica. */
	private final OncePerInterval replicaReports = OncePerInterval.ofNanoTime(Duration.ofMinutes(1), System::nanoTime);

	/** One warning a minute while connections find a node in cluster or sentinel mode. */
	private final OncePerInterval modeReports = OncePerInterval.ofNanoTime(Duration.ofMinutes(1), System::nanoTime);

	private final RedisURI uri;

	private final Duration retryDelay;

	/**
	 * Counts the calls to {@link #open()} and {@link #close()}: an attempt to connect
	 * made under an earlier count stops, and a connection it opens late is closed.
	 */
	private final AtomicInteger generation = new AtomicInteger();

	/**
	 * @param loops the web server's event loops
	 * @param resources the Lettuce resources to share (timers, reconnect delay); each
	 * loop gets a copy whose only event loop is that loop
	 */
	EventLoopRedisConnections(EventLoopGroup loops, ClientResources resources, ClientOptions options, RedisURI uri,
			Duration retryDelay) {
		this.uri = uri;
		this.retryDelay = retryDelay;
		for (EventExecutor executor : loops) {
			EventLoop loop = (EventLoop) executor;
			LatestChannel channel = new LatestChannel(resources.nettyCustomizer());
			ClientResources onLoop = resources.mutate()
				.eventLoopGroupProvider(new OnlyLoop(loop))
				.nettyCustomizer(channel)
				.build();
			RedisClient client = RedisClient.create(onLoop);
			client.setOptions(options);
			this.slots.add(new Slot(loop, onLoop, client, channel));
		}
	}

	/** Starts opening a connection on every loop; returns at once. */
	void open() {
		int generation = this.generation.incrementAndGet();
		this.slots.forEach((slot) -> connect(slot, generation));
	}

	/**
	 * The connection for the calling thread: on one of the server's loops that loop's own
	 * while it is connected, and another that is while it is not; anywhere else (a
	 * timer's thread — a request waiting for the refresh lock polls from one and carries
	 * on there, re-reading and writing its session — or a test) one that is connected,
	 * whose loop then carries on with the answer as Lettuce's own thread did before.
	 * @throws RedisConnectionFailureException when that connection is not open (yet)
	 */
	StatefulRedisConnection<ByteBuffer, ByteBuffer> current() {
		for (Slot slot : this.slots) {
			if (slot.loop.inEventLoop()) {
				// Down, its answers would be 503s that another connection can spare,
				// at the cost of a hop to that connection's loop while this one is down.
				StatefulRedisConnection<ByteBuffer, ByteBuffer> own = slot.connected();
				return openOrRefuse((own != null) ? own : anyConnected());
			}
		}
		return openOrRefuse(anyConnected());
	}

	/**
	 * The first connection that is connected; while none is, the first opened, which
	 * refuses the command as every one would. Each reconnects on its own: right after an
	 * outage, or with Redis at {@code maxclients}, the first may still be down while
	 * others serve, and a request must not fail for that.
	 */
	private @Nullable StatefulRedisConnection<ByteBuffer, ByteBuffer> anyConnected() {
		StatefulRedisConnection<ByteBuffer, ByteBuffer> firstOpened = null;
		for (Slot slot : this.slots) {
			StatefulRedisConnection<ByteBuffer, ByteBuffer> connected = slot.connected();
			if (connected != null) {
				return connected;
			}
			if (firstOpened == null) {
				firstOpened = slot.connection;
			}
		}
		return firstOpened;
	}

	private static StatefulRedisConnection<ByteBuffer, ByteBuffer> openOrRefuse(
			@Nullable StatefulRedisConnection<ByteBuffer, ByteBuffer> connection) {
		if (connection == null) {
			throw notConnectedYet();
		}
		return connection;
	}

	/**
	 * Completes when every loop's connection has answered, from a primary; fails as soon
	 * as one is not open: Lettuce reconnects each connection on its own, so one loop can
	 * be connected again while another still refuses its requests.
	 * <p>
	 * Each connection is sent a {@code PING} and, in the same round trip, {@code HELLO}.
	 * The PING must be answered: Redis refuses it, as every command a request sends,
	 * while it is {@code LOADING} its data set or {@code BUSY} running a long script.
	 * HELLO is answered even then, so it cannot stand for that.
	 * <p>
	 * A replica answers a PING as a primary does, and refuses every write: a failover
	 * that leaves the old primary running as a replica left the instance ready with no
	 * write succeeding. HELLO names the node's role ({@link NodeRoles}); a connection to
	 * a replica fails the check and is closed, so that a new one reaches the primary, as
	 * its first {@code READONLY} would close it (common's {@code ReadOnlyConnections}).
	 * Here too: an instance that is not ready gets no requests that would meet that
	 * refusal. A Redis that refuses HELLO itself while it answers the PING leaves the
	 * role unknown, and the connection passes.
	 * <p>
	 * HELLO also names the node's mode: a node of a Redis Cluster answers the PING, and
	 * then {@code MOVED} or {@code CROSSSLOT} to most of what a request sends. It fails
	 * the check with {@link UnusableRedisModeException} (and a warning a minute naming
	 * the cause), and its connection stays: a new one would reach the same node.
	 */
	Mono<Void> checkEach() {
		List<Mono<Void>> checks = new ArrayList<>(this.slots.size());
		for (Slot slot : this.slots) {
			StatefulRedisConnection<ByteBuffer, ByteBuffer> connection = slot.connection;
			checks.add((connection != null) ? check(slot, connection) : Mono.error(notConnectedYet()));
		}
		return Mono.when(checks);
	}

	private Mono<Void> check(Slot slot, StatefulRedisConnection<ByteBuffer, ByteBuffer> connection) {
		// Both are written before either is answered: one round trip.
		return Mono.zip(connection.reactive().ping(), NodeRoles.node(connection, Buffers.CODEC)).flatMap((answers) -> {
			NodeRoles.Node node = answers.getT2();
			Optional<String> unusableMode = node.unusableMode();
			if (unusableMode.isPresent()) {
				// A new connection would reach the same node: this one stays.
				inUnusableMode(unusableMode.get());
				return Mono.<Void>error(new UnusableRedisModeException(unusableMode.get()));
			}
			if (NodeRoles.primaryOrUnknown(node.role())) {
				return Mono.<Void>empty();
			}
			String role = node.role().get();
			connectedToReplica(role);
			slot.channel.close();
			return Mono.<Void>error(new ConnectedToReplicaException(role));
		});
	}

	private void inUnusableMode(String mode) {
		long found = this.modeReports.count();
		if (found > 0) {
			logger.warn("Redis answered the readiness check as a node in " + mode
					+ " mode, which the gateway cannot use"
					+ " (its keys are spread over slots: commands meet MOVED and CROSSSLOT): not ready. Set REDIS_URL"
					+ " to a Redis with cluster mode disabled, a primary with replicas and failover if wanted (" + found
					+ " so since the last message)");
		}
	}

	private void connectedToReplica(String role) {
		long found = this.replicaReports.count();
		if (found > 0) {
			logger.warn("Redis answered the readiness check as a " + role
					+ ", as a primary demoted by a failover does: not ready, and reconnecting so that a new"
					+ " connection reaches the primary (" + found + " so since the last message)");
		}
	}

	/** A loop whose connection has not opened since the gateway started. */
	private static RedisConnectionFailureException notConnectedYet() {
		return new RedisConnectionFailureException("Not connected to Redis yet");
	}

	/** Closes every connection and stops opening them; returns at once. */
	void close() {
		this.generation.incrementAndGet();
		for (Slot slot : this.slots) {
			StatefulRedisConnection<ByteBuffer, ByteBuffer> connection = slot.connection;
			slot.connection = null;
			if (connection != null) {
				slot.closed = connection.closeAsync();
			}
		}
	}

	/**
	 * Closes every connection, then releases the clients and their resources: what they
	 * share (timers, the server's loops) stays.
	 */
	void shutdown() {
		close();
		for (Slot slot : this.slots) {
			// After the close: a client shut down first would close the connection again.
			slot.closed.thenCompose((closed) -> slot.client.shutdownAsync(0, 2, TimeUnit.SECONDS))
				.whenComplete((shutDown, failure) -> slot.resources.shutdown(0, 2, TimeUnit.SECONDS));
		}
	}

	private void connect(Slot slot, int generation) {
		if (generation != this.generation.get()) {
			return;
		}
		slot.client.connectAsync(Buffers.CODEC, this.uri).whenComplete((connection, failure) -> {
			if (failure != null) {
				// Once per loop at warning level (readiness says DOWN meanwhile); the
				// retries only for whoever debugs.
				String message = "Redis not reachable (" + failure.getClass().getSimpleName() + ": "
						+ failure.getMessage() + "); trying again every " + this.retryDelay.toMillis() + " ms";
				if (slot.failedAttempts++ == 0) {
					logger.warn(message);
				}
				else {
					logger.debug(message);
				}
				slot.loop.schedule(() -> connect(slot, generation), this.retryDelay.toMillis(), TimeUnit.MILLISECONDS);
			}
			else if (generation == this.generation.get()) {
				slot.failedAttempts = 0;
				slot.connection = connection;
			}
			else {
				connection.closeAsync();
			}
		});
	}

	private static final class Slot {

		final EventLoop loop;

		final ClientResources resources;

		final RedisClient client;

		volatile @Nullable StatefulRedisConnection<ByteBuffer, ByteBuffer> connection;

		/** Since the last connection opened; a slot's attempts follow one another. */
		int failedAttempts;

		/** Completes when the last connection has closed. */
		volatile CompletableFuture<Void> closed = CompletableFuture.completedFuture(null);

		final LatestChannel channel;

		Slot(EventLoop loop, ClientResources resources, RedisClient client, LatestChannel channel) {
			this.loop = loop;
			this.resources = resources;
			this.client = client;
			this.channel = channel;
		}

		/**
		 * The connection if a command written now goes out, else null. Lettuce refuses
		 * commands as soon as its socket is closed, but marks the connection closed only
		 * in a later task on the loop ({@code isOpen()} stays true until then, longer
		 * when the loop is busy): the channel says it first. The connection is read once,
		 * so the one checked is the one returned, even if
		 * {@code EventLoopRedisConnections.close()} runs meanwhile.
		 */
		@Nullable StatefulRedisConnection<ByteBuffer, ByteBuffer> connected() {
			StatefulRedisConnection<ByteBuffer, ByteBuffer> connection = this.connection;
			return (connection != null && connection.isOpen() && this.channel.isActive()) ? connection : null;
		}

	}

	/**
	 * Keys and values as Spring Data Redis's reactive commands pass and expect them: the
	 * same encoding as its own shared connection's, which it does not expose. A value
	 * read is copied out of Netty's buffer, which is reused once the reply is decoded.
	 */
	private enum Buffers implements RedisCodec<ByteBuffer, ByteBuffer> {

		CODEC;

		@Override
		public ByteBuffer decodeKey(ByteBuffer bytes) {
			ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
			copy.put(bytes);
			return copy.flip();
		}

		@Override
		public ByteBuffer decodeValue(ByteBuffer bytes) {
			return decodeKey(bytes);
		}

		@Override
		public ByteBuffer encodeKey(ByteBuffer key) {
			return key.duplicate();
		}

		@Override
		public ByteBuffer encodeValue(ByteBuffer value) {
			return value.duplicate();
		}

	}

	/**
	 * Remembers the channel Lettuce opened last for one loop's client (each client has
	 * one connection, reconnected on a new channel each time), passing the channels on to
	 * the customizer the gateway's resources already had.
	 */
	private static final class LatestChannel implements NettyCustomizer {

		private final NettyCustomizer customizer;

		private volatile @Nullable Channel channel;

		LatestChannel(NettyCustomizer customizer) {
			this.customizer = customizer;
		}

		@Override
		public void afterBootstrapInitialized(Bootstrap bootstrap) {
			this.customizer.afterBootstrapInitialized(bootstrap);
		}

		@Override
		public void afterChannelInitialized(Channel channel) {
			this.channel = channel;
			this.customizer.afterChannelInitialized(channel);
		}

		boolean isActive() {
			Channel channel = this.channel;
			return channel != null && channel.isActive();
		}

		/** Closes the channel, so that Lettuce opens a new one. */
		void close() {
			Channel channel = this.channel;
			if (channel != null) {
				channel.close();
			}
		}

	}

	/**
	 * Hands Lettuce one event loop that it neither created nor may shut down: a loop is a
	 * group of one, so every channel Lettuce opens lands on it.
	 */
	private record OnlyLoop(EventLoop loop) implements EventLoopGroupProvider {

		@Override
		@SuppressWarnings("unchecked")
		public <T extends EventLoopGroup> T allocate(Class<T> type) {
			// Lettuce asks for its transport's group class; any loop of that transport
			// serves its channels.
			return (T) this.loop;
		}

		@Override
		public int threadPoolSize() {
			return 1;
		}

		@Override
		public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout,
				TimeUnit unit) {
			return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
		}

		@Override
		public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
			return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
		}

	}

}
