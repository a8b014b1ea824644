package dev.porter.profile.cache;

/**
 * How one cache answered one request, the raw material of {@code Cache-Status}.
 *
 * @param outcome what happened
 * @param ttlSeconds seconds of freshness left (negative: stale for that long)
 * @param stored for a {@link Outcome#MISS} or a {@link Outcome#FORWARDED}, whether the
 * cache holds what the request loaded or wrote: not when an invalidation removed the load
 * before it ended, or the change was dropped rather than written through. True for the
 * other outcomes, which store nothing of their own.
 */
public record Lookup(Outcome outcome, long ttlSeconds, boolean stored) {

	/** A lookup whose answer the cache holds. */
	public Lookup(Outcome outcome, long ttlSeconds) {
		this(outcome, ttlSeconds, true);
	}

	/**
	 * A write sent upstream by design.
	 * @param writtenThrough whether its result was written through to the cache
	 */
	public static Lookup forwarded(boolean writtenThrough) {
		return new Lookup(Outcome.FORWARDED, 0, writtenThrough);
	}

	public enum Outcome {

		/** fresh entry */
		HIT,
		/** stale entry served while a background revalidation runs */
		STALE,
		/** stale entry served because the last revalidation failed */
		STALE_AFTER_ERROR,
		/** no entry; this request loaded it */
		MISS,
		/** no entry; this request joined a load already in flight */
		COLLAPSED,
		/**
		 * no entry; a load of it failed moments ago, and its answer is given again
		 * without asking (see {@link SwrCache})
		 */
		FAILED_RECENTLY,
		/** the request went upstream by design (a write) */
		FORWARDED

	}

}
