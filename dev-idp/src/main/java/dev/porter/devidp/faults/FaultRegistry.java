package dev.porter.devidp.faults;

import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/** The faults switched on per endpoint group; changes take effect on the next request. */
final class FaultRegistry {

	private final Map<EndpointGroup, ActiveFault> active = new ConcurrentHashMap<>();

	private final InstantSource clock;

	FaultRegistry(InstantSource clock) {
		this.clock = clock;
	}

	/** Replaces the group's faults; a rate limit starts with a full bucket. */
	void set(EndpointGroup group, FaultSettings settings) {
		FaultRequest.RateLimit limit = settings.rateLimit();
		TokenBucket bucket = (limit != null) ? new TokenBucket(limit.capacity(), limit.refillPerSecond(), this.clock)
				: null;
		this.active.put(group, new ActiveFault(settings, bucket));
	}

	Optional<ActiveFault> get(EndpointGroup group) {
		return Optional.ofNullable(this.active.get(group));
	}

	void clear() {
		this.active.clear();
	}

	/** The settings in effect, by group name. */
	Map<String, FaultSettings> snapshot() {
		Map<String, FaultSettings> settings = new TreeMap<>();
		this.active.forEach((group, fault) -> settings.put(group.key(), fault.settings()));
		return settings;
	}

	record ActiveFault(FaultSettings settings, @Nullable TokenBucket bucket) {
	}

}
