package dev.porter.profile.me;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.porter.profile.cache.CacheProperties;
import dev.porter.profile.cache.Cached;
import dev.porter.profile.cache.InvalidationBus;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.testsupport.FakeTicker;

/**
 * {@link ProfileCaches} alone, on a {@link FakeTicker} and the local bus, for tests of
 * how its directory cache follows changes and reads: Alice's user is {@code {"theme":
 * …}}, and each load of it from the directory is counted.
 */
final class AliceInTheDirectoryCache {

	private static final Duration FRESH_FOR = Duration.ofMinutes(5);

	private final FakeTicker ticker = new FakeTicker();

	private final ProfileCaches caches = new ProfileCaches(new CacheProperties(spec(), spec(), Duration.ofSeconds(5)),
			this.ticker, new SimpleMeterRegistry(), InvalidationBus.local());

	private final AtomicInteger loads = new AtomicInteger();

	private static CacheProperties.Spec spec() {
		return new CacheProperties.Spec(FRESH_FOR, Duration.ofHours(1), 100);
	}

	static DirectoryUser theme(String theme) {
		return new DirectoryUser(JsonNodeFactory.instance.objectNode().put("theme", theme));
	}

	FakeTicker ticker() {
		return this.ticker;
	}

	ProfileCaches caches() {
		return this.caches;
	}

	/** The loads from the directory so far. */
	AtomicInteger loads() {
		return this.loads;
	}

	/** What the directory answers a read now. */
	private Supplier<Mono<DirectoryUser>> directoryHolds(String theme) {
		return () -> Mono.fromSupplier(() -> {
			this.loads.incrementAndGet();
			return theme(theme);
		});
	}

	/** Alice through the cache, a load answered with {@code theme}. */
	Cached<DirectoryUser> read(String theme) {
		return this.caches.directoryUser("alice", directoryHolds(theme)).block();
	}

}
