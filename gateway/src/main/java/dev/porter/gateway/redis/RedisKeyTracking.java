package dev.porter.gateway.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.porter.common.OncePerInterval;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Tells when keys under registered prefixes change in Redis, by any client, so that an
 * instance may keep what it read of them and serve it again without asking Redis (a near
 * cache). It is Redis's server-assisted client-side caching in broadcasting mode: one
 * connection of its own (RESP3) turns {@code CLIENT TRACKING ON BCAST PREFIX ...} on, and
 * Redis pushes an {@code invalidate} message with the key names over it whenever such a
 * key is written, deleted, expires or is evicted, or all of them with a flush.
 * <p>
 * What a reader may rely on is the <em>stamp</em> ({@link #stamp()}): a number that moves
 * on with every invalidation received and every change of the tracking's state, or
 * {@link #NOT_TRACKING} while nothing is tracked. A value read from Redis may be kept as
 * current only when the stamp taken before the read is still the stamp after it
 * ({@link #unchangedSince}), since an invalidation received meanwhile may be for that
 * key; a kept value may be served only while {@link #trusts} its stamp, and only until an
 * invalidation of its key arrives.
 * <p>
 * A kept value is trusted only while the tracking is known to be working: after the
 * {@code CLIENT TRACKING} reply on the current connection (one lost and reopened tracks
 * nothing until it is turned on again, and what was kept before is not trusted then),
 * from a primary (a failover's demoted primary, should its replication link be down,
 * hears of no write on the new one: a connection there is closed and opened again through
 * the address, see {@link #heartbeat}), and only while the connection answered a
 * {@code PING} sent within the last three heartbeats. A reply comes after every message
 * Redis sent before it on the same connection, so the answer to a recent ping means no
 * invalidation older than the ping is still on its way; a connection that stopped
 * delivering without closing, or delivers late, is not trusted for longer than that.
 * Should Redis refuse tracking (an ACL that forbids it) or not answer the request in time
 * (a busy moment), nothing is trusted and every read goes to Redis, as without this; the
 * request is made again, at the first heartbeat after each failed answer, until Redis
 * agrees, so that one late answer at start does not cost the instance its near cache for
 * as long as its connection lasts.
 */
public final class RedisKeyTracking implements KeyTracking, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisKeyTracking.class);

	private final RedisClient client;

	private final RedisURI uri;

	/** Where the last answer's age is read, in nanoseconds: monotonic. */
	private final LongSupplier nanoTime;

	private final Duration heartbeat;

	private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	/** Moves on with every invalidation received and every change of state. */
	private final AtomicLong sequence = new AtomicLong();

	/**
	 * The sequence when the tracking was last turned on, or after the last flush: kept
	 * values stamped before it are not trusted. {@link #NOT_TRACKING} while off.
	 */
	private volatile long trackingSince = NOT_TRACKING;

	/**
	 * When the last command that the tracking connection answered was sent, by
	 * {@link #nanoTime}: its answer came after everything Redis had sent before it.
	 */
	private final AtomicLong lastAnswer;

	/**
	 * Counts the connections opened, so that a late reply to an earlier one is ignored.
	 */
	private final AtomicInteger connections = new AtomicInteger();

	private volatile @Nullable StatefulRedisConnection<String, String> connection;

	private volatile @Nullable ScheduledFuture<?> heartbeats;

	private volatile boolean running;

	/** Whether a request to turn tracking on is waiting for its answer. */
	private volatile boolean turningOn;

	/** Whether the current run of failures to turn tracking on was logged. */
	private volatile boolean failureLogged;

	/** Since the last connection opened; attempts follow one another. */
	private int failedAttempts;

	/** One warning a minute while the tracking keeps reaching a replica. */
	private final OncePerInterval replicaReports;

	/**
	 * @param resources the Lettuce resources to share (its own threads serve this one
	 * connection)
	 * @param nanoTime a monotonic clock, in nanoseconds ({@link System#nanoTime()}), that
	 * the last answer's age is measured on: a wall clock stepped back would make it look
	 * recent
	 * @param heartbeat how often the tracking connection is pinged
	 */
	public RedisKeyTracking(ClientResources resources, ClientOptions options, RedisURI uri, LongSupplier nanoTime,
			Duration heartbeat) {
		this.client = RedisClient.create(resources);
		// RESP3 carries the invalidations on the connection that asked for them; commands
		// given while it reconnects wait for it (the turning on after a reconnect).
		this.client.setOptions(options.mutate()
			.protocolVersion(ProtocolVersion.RESP3)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.DEFAULT)
			.autoReconnect(true)
			.build());
		this.client.addListener(new Reconnects());
		this.uri = uri;
		this.nanoTime = nanoTime;
		// Long before now, whatever the monotonic clock's origin: its readings may be
		// negative, and a zero would then lie ahead of every answer and never be moved.
		this.lastAnswer = new AtomicLong(nanoTime.getAsLong() - Long.MAX_VALUE / 2);
		this.heartbeat = heartbeat;
		this.replicaReports = OncePerInterval.ofNanoTime(Duration.ofMinutes(1), nanoTime);
	}

	/**
	 * {@inheritDoc} Call before the application starts.
	 * @throws IllegalArgumentException when {@code prefix} overlaps one tracked already
	 * (one starts with the other): Redis refuses such a pair, and its refusal reads like
	 * the answer that tracking is on already
	 */
	@Override
	public void track(String prefix, InvalidationListener invalidated) {
		if (this.running) {
			throw new IllegalStateException("prefixes are tracked from the start: track before starting");
		}
		for (Subscription subscription : this.subscriptions) {
			if (prefix.startsWith(subscription.prefix()) || subscription.prefix().startsWith(prefix)) {
				throw new IllegalArgumentException(
						"prefix '" + prefix + "' overlaps the tracked prefix '" + subscription.prefix() + "'");
			}
		}
		this.subscriptions.add(new Subscription(prefix, invalidated));
	}

	@Override
	public long stamp() {
		return trusted() ? this.sequence.get() : NOT_TRACKING;
	}

	@Override
	public boolean unchangedSince(long stamp) {
		return stamp != NOT_TRACKING && trusted() && this.sequence.get() == stamp;
	}

	@Override
	public boolean trusts(long stamp) {
		long since = this.trackingSince;
		return stamp != NOT_TRACKING && since != NOT_TRACKING && stamp >= since && answeredRecently();
	}

	private boolean trusted() {
		return this.trackingSince != NOT_TRACKING && answeredRecently();
	}

	/** Within three heartbeats of the last answer, by the monotonic clock. */
	private boolean answeredRecently() {
		return this.nanoTime.getAsLong() - this.lastAnswer.get() <= 3 * this.heartbeat.toNanos();
	}

	/**
	 * The connection answered a command sent at {@code sent}. Timed from the answer's
	 * arrival instead, a connection whose answers come late but come would look fresh
	 * with every one of them.
	 */
	private void answered(long sent) {
		this.lastAnswer.accumulateAndGet(sent, (last, next) -> (next - last > 0) ? next : last);
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		if (!this.subscriptions.isEmpty()) {
			connect(this.connections.incrementAndGet());
		}
	}

	private void connect(int opened) {
		if (!this.running || opened != this.connections.get()) {
			return;
		}
		this.client.connectAsync(StringCodec.UTF8, this.uri).whenComplete((connection, failure) -> {
			if (!this.running || opened != this.connections.get()) {
				if (connection != null) {
					connection.closeAsync();
				}
				return;
			}
			if (failure != null) {
				// Nothing is trusted meanwhile: every read goes to Redis. Lettuce
				// reconnects only a connection that opened once, so try again here.
				String message = "Redis key tracking not connected (" + failure.getMessage()
						+ "); every tracked read goes to Redis until it is";
				if (this.failedAttempts++ == 0) {
					logger.warn(message);
				}
				else {
					logger.debug(message);
				}
				this.client.getResources()
					.eventExecutorGroup()
					.schedule(() -> connect(opened), this.heartbeat.toMillis(), TimeUnit.MILLISECONDS);
				return;
			}
			this.failedAttempts = 0;
			connection.addListener(this::received);
			this.connection = connection;
			// Before the turning on, whose answer may leave this connection and stop
			// them.
			this.heartbeats = this.client.getResources()
				.eventExecutorGroup()
				.scheduleAtFixedRate(this::heartbeat, this.heartbeat.toMillis(), this.heartbeat.toMillis(),
						TimeUnit.MILLISECONDS);
			turnOn(connection);
		});
	}

	/**
	 * Asks Redis to turn tracking on, and in the same round trip for the node's role:
	 * tracking is on once Redis agreed, on a primary.
	 */
	private void turnOn(StatefulRedisConnection<String, String> connection) {
		List<String> prefixes = new ArrayList<>();
		this.subscriptions.forEach((subscription) -> prefixes.add(subscription.prefix()));
		TrackingArgs args = TrackingArgs.Builder.enabled().bcast().prefixes(prefixes.toArray(String[]::new));
		this.turningOn = true;
		long sent = this.nanoTime.getAsLong();
		Mono<Optional<Throwable>> refusal = connection.reactive()
			.clientTracking(args)
			.then(Mono.just(Optional.<Throwable>empty()))
			.onErrorResume((failure) -> Mono.just(Optional.of(failure)));
		Mono.zip(refusal, NodeRoles.of(connection, StringCodec.UTF8))
			.subscribe((answers) -> turnedOn(connection, sent, answers.getT1().orElse(null), answers.getT2()),
					(failure) -> turnedOn(connection, sent, failure, Optional.empty()));
	}

	private void turnedOn(StatefulRedisConnection<String, String> connection, long sent, @Nullable Throwable failure,
			Optional<String> role) {
		this.turningOn = false;
		if (!this.running || connection != this.connection) {
			return;
		}
		// Lettuce sends a command again that a lost connection never answered, and Redis
		// carries out one whose answer came too late, so the prefixes may be registered
		// already: tracking is on.
		boolean on = failure == null
				|| String.valueOf(failure.getMessage()).contains("overlaps with an existing prefix");
		if (!on) {
			if (!this.failureLogged) {
				this.failureLogged = true;
				logger.warn("Redis did not turn key tracking on (" + failure.getMessage()
						+ "); asking again until it does, every tracked read goes to Redis meanwhile");
			}
			return;
		}
		if (!NodeRoles.primaryOrUnknown(role)) {
			leave(connection, role.get());
			return;
		}
		if (connection.isOpen()) {
			answered(sent);
			this.trackingSince = this.sequence.incrementAndGet();
			if (this.failureLogged) {
				this.failureLogged = false;
				logger.info("Redis key tracking on");
			}
		}
	}

	/**
	 * Pings a tracking connection and, in the same round trip, asks for the node's role;
	 * or asks again to turn tracking on. Each heartbeat, and a test's by hand.
	 * <p>
	 * A replica answers the PING too, even one whose link to the primary is down: after a
	 * failover that left the old primary running as one, the connection stayed there (it
	 * only reads, so no {@code READONLY} ever closed it), answering every ping while no
	 * invalidation of a write on the new primary reached it. Its answers count only from
	 * a primary.
	 * @return completes once the answers are counted
	 */
	CompletableFuture<Void> heartbeat() {
		StatefulRedisConnection<String, String> current = this.connection;
		if (current == null || !current.isOpen()) {
			// Turned on again when the connection is (Reconnects).
			return CompletableFuture.completedFuture(null);
		}
		if (this.trackingSince == NOT_TRACKING) {
			if (!this.turningOn) {
				turnOn(current);
			}
			return CompletableFuture.completedFuture(null);
		}
		long sent = this.nanoTime.getAsLong();
		// Both written before either is answered: one round trip.
		return Mono.zip(current.reactive().ping(), NodeRoles.of(current, StringCodec.UTF8)).doOnNext((answers) -> {
			if (NodeRoles.primaryOrUnknown(answers.getT2())) {
				answered(sent);
			}
			else {
				leave(current, answers.getT2().get());
			}
		})
			.then()
			// Unanswered: the last answer ages.
			.onErrorResume((failure) -> Mono.empty())
			.toFuture();
	}

	/**
	 * The tracking connection reached a node that is not a primary (a failover demoted
	 * it): closed, and a new one opened a heartbeat later, through the address that names
	 * the primary after a failover. Nothing is trusted meanwhile. The answers of one
	 * connection are handled one after the other, so it is left once.
	 */
	private void leave(StatefulRedisConnection<String, String> demoted, String role) {
		if (!this.running || demoted != this.connection) {
			return;
		}
		int opened = this.connections.incrementAndGet();
		off();
		ScheduledFuture<?> scheduled = this.heartbeats;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
		this.connection = null;
		demoted.closeAsync();
		long found = this.replicaReports.count();
		if (found > 0) {
			logger.warn("Redis key tracking reached a " + role
					+ ", as a primary demoted by a failover is: reconnecting so that a new connection reaches the"
					+ " primary, every tracked read goes to Redis meanwhile (" + found + " so since the last message)");
		}
		// Not at once: an address that still names the demoted node would be a loop.
		this.client.getResources()
			.eventExecutorGroup()
			.schedule(() -> connect(opened), this.heartbeat.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void received(PushMessage message) {
		if (!"invalidate".equals(message.getType())) {
			return;
		}
		List<Object> content = message.getContent(RedisKeyTracking::keyName);
		Object keys = (content.size() > 1) ? content.get(1) : null;
		// Moves on first: a read that began before this message must not keep its value.
		long now = this.sequence.incrementAndGet();
		if (!(keys instanceof List<?> names)) {
			// A flush: nothing kept before now is current.
			this.trackingSince = (this.trackingSince != NOT_TRACKING) ? now : NOT_TRACKING;
			this.subscriptions.forEach((subscription) -> subscription.listener().invalidated(null));
			return;
		}
		for (Object name : names) {
			String key = String.valueOf(name);
			for (Subscription subscription : this.subscriptions) {
				if (key.startsWith(subscription.prefix())) {
					subscription.listener().invalidated(key);
				}
			}
		}
	}

	private static Object keyName(ByteBuffer bytes) {
		return StandardCharsets.UTF_8.decode(bytes).toString();
	}

	@Override
	public void stop() {
		close();
	}

	private CompletableFuture<Void> close() {
		this.running = false;
		this.connections.incrementAndGet();
		off();
		ScheduledFuture<?> scheduled = this.heartbeats;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
		StatefulRedisConnection<String, String> current = this.connection;
		this.connection = null;
		return (current != null) ? current.closeAsync() : CompletableFuture.completedFuture(null);
	}

	/**
	 * Closes the connection, then releases the client; the shared resources stay.
	 * @return completes when the client is released
	 */
	public CompletableFuture<Void> shutdown() {
		// After the close: a client shut down first would close the connection again.
		return close().thenCompose((closed) -> this.client.shutdownAsync(0, 2, TimeUnit.SECONDS));
	}

	/** Waits a moment for the client to let go, before the resources it runs on do. */
	@Override
	public void destroy() {
		shutdown().orTimeout(3, TimeUnit.SECONDS).exceptionally((failure) -> null).join();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void off() {
		this.trackingSince = NOT_TRACKING;
		this.sequence.incrementAndGet();
	}

	private record Subscription(String prefix, InvalidationListener listener) {
	}

	/**
	 * A lost connection tracked nothing meanwhile, and the one Lettuce reopens tracks
	 * nothing until turned on again.
	 */
	private final class Reconnects implements RedisConnectionStateListener {

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
			off();
		}

		@Override
		public void onRedisConnected(RedisChannelHandler<?, ?> handler, java.net.SocketAddress address) {
			StatefulRedisConnection<String, String> current = RedisKeyTracking.this.connection;
			// The first connection is turned on where it is opened.
			if (current != null && handler == current && RedisKeyTracking.this.running) {
				turnOn(current);
			}
		}

	}

}
