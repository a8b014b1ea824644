package dev.porter.profile.cache;

import java.nio.charset.StandardCharsets;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * One subscription's own state, for {@link RedisInvalidationBus}: its confirmations, told
 * as they come, the number of the last heartbeat it heard, and those Redis did not
 * acknowledge. Redis delivers the heartbeats in the order they were sent, so a gap in
 * their numbers that is not one of those is one Redis took and never delivered: another
 * instance's announcement may have gone the same way. One never sent is not (a shared
 * connection reconnecting after a pause of Redis the subscription outlasted refuses
 * commands at once): its sender knows, and an announcement that failed so is left to the
 * fresh-for TTL ({@link InvalidationBus}).
 */
final class SubscriptionGaps implements SubscriptionListener {

	private static final long NONE = -1;

	private final String channel;

	private final Runnable onSubscribed;

	private final Sinks.Many<Optional<RemoteChange>> confirmations = Sinks.many().unicast().onBackpressureBuffer();

	private final AtomicLong lastHeartbeat = new AtomicLong(NONE);

	/** Heartbeats not acknowledged, later than the last one heard. */
	private final NavigableSet<Long> unsent = new ConcurrentSkipListSet<>();

	/**
	 * @param channel the channel whose confirmations count (not the heartbeats' own)
	 * @param onSubscribed run at each such confirmation
	 */
	SubscriptionGaps(String channel, Runnable onSubscribed) {
		this.channel = channel;
		this.onSubscribed = onSubscribed;
	}

	/**
	 * Lettuce calls it for each confirmation, on the connection's event loop, before
	 * anything heard after it.
	 */
	@Override
	public void onChannelSubscribed(byte[] subscribed, long subscriptions) {
		if (this.channel.equals(new String(subscribed, StandardCharsets.UTF_8))) {
			// the heartbeats lost while it was down are made up for here, not told
			// again
			this.lastHeartbeat.set(NONE);
			this.onSubscribed.run();
			this.confirmations.tryEmitNext(Optional.of(RemoteChange.ANY_KEY));
		}
	}

	Flux<Optional<RemoteChange>> confirmations() {
		return this.confirmations.asFlux();
	}

	/**
	 * Heartbeat {@code tick} was not acknowledged; told before the next is sent, so
	 * before that one can be heard.
	 */
	void unsent(long tick) {
		this.unsent.add(tick);
	}

	/**
	 * Whether heartbeat {@code number} is the first since a confirmation, or every one
	 * between the last heard and it was never acknowledged.
	 */
	boolean inTurn(String number) {
		long heard;
		try {
			heard = Long.parseLong(number);
		}
		catch (NumberFormatException notOurs) {
			return false;
		}
		long previous = this.lastHeartbeat.getAndSet(heard);
		boolean inTurn = previous == NONE || (heard > previous
				&& this.unsent.subSet(previous, false, heard, false).size() == heard - previous - 1);
		this.unsent.headSet(heard, true).clear();
		return inTurn;
	}

}
