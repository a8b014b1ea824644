package dev.porter.profile.cache;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tells the other instances of this service that a cached key changed, and hears what
 * they changed. Best effort by contract: neither side ever signals an error, so a broken
 * bus can never fail the request that changed the data. A message the listening side may
 * have missed is made up for with {@link RemoteChange#ANY_KEY}; one that could not be
 * sent at all leaves the other instances stale until their entry's fresh-for TTL ends.
 */
public interface InvalidationBus {

	/**
	 * Announces that {@code key} changed. Completes once the message was handed to the
	 * bus, or once sending failed or took longer than the bus's timeout (logged and
	 * counted, never an error).
	 */
	Mono<Void> publish(String key);

	/**
	 * Keys other instances changed (never this instance's own), and
	 * {@link RemoteChange#ANY_KEY} whenever some may have gone unheard, for as long as it
	 * is subscribed; reconnects on its own and never errors.
	 */
	Flux<RemoteChange> remoteChanges();

	/** One instance alone: nobody to tell, nothing to hear. */
	static InvalidationBus local() {
		return LocalInvalidationBus.INSTANCE;
	}

}
