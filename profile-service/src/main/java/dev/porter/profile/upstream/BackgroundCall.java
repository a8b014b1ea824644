package dev.porter.profile.upstream;

import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Marks an upstream call nobody waits for: a cache's background revalidation, whose stale
 * copy has already answered its reader. It takes call budget only when a call may go at
 * once ({@link CallBudget#spendNow}), leaving every wait to the calls someone waits for:
 * a miss (a sign-in, with no stale copy to serve) and a change. After a gap in the
 * invalidations every instance makes every cached user stale at once, and their
 * revalidations took the shared Management API budget's every place and its wait, so
 * those calls got 503 for minutes. Refused, it fails as a full budget does
 * ({@code RequestNotPermitted}): the cache keeps serving the stale copy, and a later read
 * tries again.
 */
public final class BackgroundCall {

	private BackgroundCall() {
	}

	/** {@code call}, and every upstream call it makes, as a background call. */
	public static <T> Mono<T> of(Mono<T> call) {
		return call.contextWrite((context) -> context.put(BackgroundCall.class, Boolean.TRUE));
	}

	static boolean in(ContextView context) {
		return context.hasKey(BackgroundCall.class);
	}

}
