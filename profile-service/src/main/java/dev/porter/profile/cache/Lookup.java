package dev.porter.profile.cache;

/**
 * How one cache answered one request, the raw material of {@code Cache-Status}.
 *
 * @param outcome what happened
 * @param ttlSeconds seconds of freshness left (negative: stale for that long)
 */
public record Lookup(Outcome outcome, long ttlSeconds) {

	public static Lookup forwarded() {
		return new Lookup(Outcome.FORWARDED, 0);
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
