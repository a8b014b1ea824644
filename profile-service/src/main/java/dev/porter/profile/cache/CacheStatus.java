package dev.porter.profile.cache;

import java.util.List;

/**
 * The {@code Cache-Status} member of a response built from several cache lookups: a miss
 * in any of them makes the response a forward, and it is {@code collapsed} only when
 * every miss joined another request's load, else {@code stored} only when the cache holds
 * every load this request made (a write: when its result was written through; see
 * {@link Lookup#stored}). Whichever it is, a part served stale because its upstream
 * failed adds {@code detail=stale-upstream-error}: the SPA shows its "saved copy" banner
 * on it.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9211">RFC 9211</a>
 */
public final class CacheStatus {

	static final String CACHE = "profile-service";

	private static final String STALE_UPSTREAM_ERROR = "; detail=stale-upstream-error";

	private CacheStatus() {
	}

	public static String of(List<Lookup> lookups) {
		boolean afterError = lookups.stream().anyMatch((l) -> l.outcome() == Lookup.Outcome.STALE_AFTER_ERROR);
		return how(lookups) + (afterError ? STALE_UPSTREAM_ERROR : "");
	}

	private static String how(List<Lookup> lookups) {
		List<Lookup> writes = lookups.stream().filter((l) -> l.outcome() == Lookup.Outcome.FORWARDED).toList();
		if (!writes.isEmpty()) {
			return CACHE + "; fwd=method" + (allStored(writes) ? "; stored" : "");
		}
		List<Lookup> misses = lookups.stream()
			.filter((l) -> l.outcome() == Lookup.Outcome.MISS || l.outcome() == Lookup.Outcome.COLLAPSED)
			.toList();
		if (!misses.isEmpty()) {
			if (misses.stream().allMatch((l) -> l.outcome() == Lookup.Outcome.COLLAPSED)) {
				return CACHE + "; fwd=uri-miss; collapsed";
			}
			return CACHE + "; fwd=uri-miss" + (allStored(misses) ? "; stored" : "");
		}
		long ttl = lookups.stream().mapToLong(Lookup::ttlSeconds).min().orElse(0);
		return CACHE + "; hit; ttl=" + ttl;
	}

	private static boolean allStored(List<Lookup> lookups) {
		return lookups.stream().allMatch(Lookup::stored);
	}

}
