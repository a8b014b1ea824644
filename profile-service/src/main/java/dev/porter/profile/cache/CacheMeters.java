package dev.porter.profile.cache;

import java.util.Locale;

import com.github.benmanes.caffeine.cache.AsyncCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * Exports Caffeine's statistics ({@code cache.gets}, {@code cache.evictions}, ...) and
 * our own {@code profile.cache.lookups{cache,outcome}} counter, which tells hits, stale
 * serves, misses and collapsed misses apart.
 */
public final class CacheMeters {

	private final MeterRegistry registry;

	public CacheMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	void bind(String cache, AsyncCache<?, ?> caffeine) {
		CaffeineCacheMetrics.monitor(this.registry, caffeine, cache);
	}

	void count(String cache, Lookup.Outcome outcome) {
		Counter.builder("profile.cache.lookups")
			.description("Profile cache lookups by outcome")
			.tag("cache", cache)
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.register(this.registry)
			.increment();
	}

}
