package dev.porter.profile.cache;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Without Redis every instance keeps its own caches; a write-through is all it needs. */
final class LocalInvalidationBus implements InvalidationBus {

	static final LocalInvalidationBus INSTANCE = new LocalInvalidationBus();

	private LocalInvalidationBus() {
	}

	@Override
	public Mono<Void> publish(String key) {
		return Mono.empty();
	}

	@Override
	public Flux<RemoteChange> remoteChanges() {
		return Flux.never();
	}

}
