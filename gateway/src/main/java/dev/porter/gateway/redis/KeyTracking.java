package dev.porter.gateway.redis;

import org.jspecify.annotations.Nullable;

/**
 * What a near cache relies on to know whether a value it read from Redis may be served
 * again without asking: a <em>stamp</em> to take before each read, whether nothing
 * changed since it, whether a value kept under it is still vouched for, and the names of
 * the keys that changed. {@link RedisKeyTracking} is the one the gateway runs; a test may
 * give the stamps and the invalidations by hand, to reach an interleaving a real
 * connection only meets by chance.
 */
public interface KeyTracking {

	/** What {@link #stamp()} answers while nothing is tracked: never current. */
	long NOT_TRACKING = -1;

	/**
	 * Tracks the keys starting with {@code prefix}; {@code invalidated} gets the names of
	 * those that changed, or {@code null} when every one may have (a flush). Call before
	 * the tracking starts.
	 */
	void track(String prefix, InvalidationListener invalidated);

	/**
	 * The stamp to take before reading a tracked key from Redis, {@link #NOT_TRACKING}
	 * when what is read cannot be kept as current.
	 */
	long stamp();

	/**
	 * Whether a value read under {@code stamp} may be kept as current: nothing was
	 * invalidated, and the tracking did not change, since.
	 */
	boolean unchangedSince(long stamp);

	/**
	 * Whether a value kept under {@code stamp}, and not invalidated since by key, may be
	 * served without asking Redis.
	 */
	boolean trusts(long stamp);

	/** Gets the names of tracked keys that changed. */
	@FunctionalInterface
	interface InvalidationListener {

		/**
		 * @param key the key's name, or {@code null} for every key (a flush; a lost
		 * tracking is not announced: {@link KeyTracking#trusts} answers for it)
		 */
		void invalidated(@Nullable String key);

	}

}
