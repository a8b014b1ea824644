package dev.porter.profile.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import dev.porter.common.RedisRefusals;
import dev.porter.profile.redis.RedisConnections;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveSubscription;

/**
 * Invalidation through Redis pub/sub: a message {@code "<instance id> <key>"} on one
 * channel, which every instance subscribes to. Pub/sub rather than a shared second-level
 * cache because the profile stays in each instance's memory (a hit costs no network round
 * trip) and only a change, which is rare, crosses the network; Redis keeps nothing, so it
 * holds no personal data.
 * <p>
 * A message sent while an instance's subscription is down is lost to it, and nothing says
 * which key it named. So the instance hears {@link RemoteChange#ANY_KEY} whenever Redis
 * confirms its subscription (the first, each one made again below, and each one Lettuce
 * makes again by itself after a reconnect): what was announced before reached nobody
 * here. Also when one of its own heartbeats (below, numbered) that Redis acknowledged
 * never came back through a subscription that hears the next one: Redis was not
 * delivering, and may not have delivered the others' announcements either. One Redis
 * never acknowledged is no such gap (see {@link SubscriptionGaps}). What the instance
 * served while it did not know is not undone: it learns of the gap only once it is over.
 * <p>
 * A subscription only reads, so nothing would tell that its connection died without a
 * reset (Redis's host gone, a pod replaced behind the same address): every later change
 * would go unheard until a restart. So each instance also announces itself every
 * {@link #HEARTBEAT} on a channel of its own, which its subscription also listens to, and
 * a subscription that has heard nothing for three of them, not even that, is dropped and
 * made again on a new connection. A channel of its own, so that each instance hears one
 * heartbeat a second, not one per instance. The announcements go over the shared
 * connection, which {@code common.UnansweredConnections} closes when it goes silent.
 */
public final class RedisInvalidationBus implements InvalidationBus {

	private static final Logger log = LoggerFactory.getLogger(RedisInvalidationBus.class);

	private static final Duration FIRST_RESUBSCRIBE = Duration.ofMillis(100);

	private static final Duration LAST_RESUBSCRIBE = Duration.ofSeconds(2);

	/** How often each instance announces itself on the channel, to hear itself back. */
	static final Duration HEARTBEAT = Duration.ofSeconds(1);

	private static final Duration SILENCE = HEARTBEAT.multipliedBy(3);

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final String channel;

	private final Duration timeout;

	private final String instance = UUID.randomUUID().toString();

	private final MeterRegistry registry;

	/** Whether the subscription failed and no heartbeat came back through it since. */
	private final AtomicBoolean channelDown = new AtomicBoolean();

	/**
	 * @param channel the pub/sub channel shared by every instance of one cache
	 * @param timeout the longest a publish may delay the request that changed the data
	 */
	public RedisInvalidationBus(ReactiveRedisConnectionFactory connectionFactory, String channel, Duration timeout,
			MeterRegistry registry) {
		this.connectionFactory = connectionFactory;
		this.channel = channel;
		this.timeout = timeout;
		this.registry = registry;
	}

	@Override
	public Mono<Void> publish(String key) {
		ByteBuffer message = bytes(this.instance + " " + key);
		return Mono
			.usingWhen(RedisConnections.open(this.connectionFactory),
					(connection) -> connection.pubSubCommands().publish(bytes(this.channel), message),
					ReactiveRedisConnection::closeLater)
			.timeout(this.timeout)
			.doOnSuccess((receivers) -> count("published"))
			.onErrorResume((ex) -> {
				log.warn("cache invalidation not published ({}{}); other instances refresh within their fresh-for TTL",
						ex.getClass().getSimpleName(), RedisRefusals.describe(ex));
				count("publish_failed");
				return Mono.empty();
			})
			.then();
	}

	@Override
	public Flux<RemoteChange> remoteChanges() {
		return Flux
			.usingWhen(RedisConnections.open(this.connectionFactory), this::receive,
					ReactiveRedisConnection::closeLater)
			// Lettuce re-subscribes by itself after a reconnect; this covers a first
			// connection that fails (Redis down at start) and a subscription that ends.
			.doOnError(this::subscriptionFailed)
			.repeatWhen((completed) -> completed.delayElements(FIRST_RESUBSCRIBE))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_RESUBSCRIBE)
				.maxBackoff(LAST_RESUBSCRIBE)
				.transientErrors(true));
	}

	/**
	 * Every failed attempt is counted; only the change to unavailable is logged (the
	 * retries come every 0.1–2 s for as long as Redis is down), and the way back once.
	 */
	private void subscriptionFailed(Throwable ex) {
		count("subscribe_failed");
		if (this.channelDown.compareAndSet(false, true)) {
			log.warn("cache invalidation channel unavailable ({}{}); retrying, and logging again once it is back",
					ex.getClass().getSimpleName(), RedisRefusals.describe(ex));
		}
	}

	private Flux<RemoteChange> receive(ReactiveRedisConnection connection) {
		SubscriptionGaps gaps = new SubscriptionGaps(this.channel, () -> count("subscribed"));
		// the subscription ends before its connection closes; a cancel racing a
		// broken connection has nothing left to clean up
		return Flux
			.usingWhen(connection.pubSubCommands().createSubscription(gaps),
					(subscription) -> listen(subscription, gaps, connection),
					(subscription) -> subscription.cancel().onErrorComplete())
			.flatMap(Mono::justOrEmpty);
	}

	/**
	 * What one subscription hears: {@link RemoteChange#ANY_KEY} each time Redis confirms
	 * it, then the other instances' keys, with this instance's heartbeats checked on the
	 * way. Whatever it hears keeps it alive, empty when it is nothing to pass on.
	 */
	private Flux<Optional<RemoteChange>> listen(ReactiveSubscription subscription, SubscriptionGaps gaps,
			ReactiveRedisConnection connection) {
		return subscription.subscribe(bytes(this.channel), bytes(heartbeatChannel()))
			.thenMany(Flux.merge(gaps.confirmations(), subscription.receive().map((message) -> heard(message, gaps)),
					heartbeats(connection, gaps)))
			.timeout(SILENCE);
	}

	private Optional<RemoteChange> heard(ReactiveSubscription.Message<ByteBuffer, ByteBuffer> message,
			SubscriptionGaps gaps) {
		String text = StandardCharsets.UTF_8.decode(message.getMessage()).toString();
		if (this.channel.equals(StandardCharsets.UTF_8.decode(message.getChannel()).toString())) {
			return foreignKey(text);
		}
		return heartbeat(text, gaps);
	}

	/**
	 * Publishes this instance's heartbeat, numbered ({@code "0"}, {@code "1"}, …), on its
	 * own channel now and every {@link #HEARTBEAT}; emits nothing. One Redis did not
	 * acknowledge (refused at once while the shared connection reconnects, or timed out)
	 * is counted and told to {@code gaps}, before the next is sent: its absence is no
	 * gap. The silence a Redis that takes none causes is what counts then.
	 */
	private <T> Flux<T> heartbeats(ReactiveRedisConnection connection, SubscriptionGaps gaps) {
		return Flux.interval(Duration.ZERO, HEARTBEAT)
			.onBackpressureDrop()
			.concatMap((tick) -> connection.pubSubCommands()
				.publish(bytes(heartbeatChannel()), bytes(Long.toString(tick)))
				.timeout(this.timeout)
				.doOnError((ex) -> {
					count("heartbeat_unsent");
					gaps.unsent(tick);
				})
				.onErrorComplete())
			.ignoreElements()
			.thenMany(Flux.empty());
	}

	private String heartbeatChannel() {
		return this.channel + ":heartbeat:" + this.instance;
	}

	/** The key of a message from another instance; nothing for this instance's own. */
	private Optional<RemoteChange> foreignKey(String message) {
		int space = message.indexOf(' ');
		if (space < 0 || message.substring(0, space).equals(this.instance) || space == message.length() - 1) {
			return Optional.empty();
		}
		count("received");
		return Optional.of(RemoteChange.of(message.substring(space + 1)));
	}

	/**
	 * The subscription works end to end; {@link RemoteChange#ANY_KEY} when a heartbeat
	 * before this one never came.
	 */
	private Optional<RemoteChange> heartbeat(String number, SubscriptionGaps gaps) {
		count("heartbeat");
		if (this.channelDown.compareAndSet(true, false)) {
			log.info("cache invalidation channel back: other instances' changes are heard again, and entries "
					+ "cached meanwhile are revalidated when next read");
		}
		if (gaps.inTurn(number)) {
			return Optional.empty();
		}
		count("heartbeat_missed");
		return Optional.of(RemoteChange.ANY_KEY);
	}

	private void count(String outcome) {
		Counter.builder("profile.cache.invalidations")
			.description("Cache invalidations exchanged with the other instances")
			.tag("channel", this.channel)
			.tag("outcome", outcome.toLowerCase(Locale.ROOT))
			.register(this.registry)
			.increment();
	}

	private static ByteBuffer bytes(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
