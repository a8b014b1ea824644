package dev.porter.profile.directory.keycloak;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import reactor.core.publisher.Mono;

import dev.porter.profile.problem.CallerRateLimitedException;

/**
 * Runs the work given for one user one after another within this instance, in the order
 * it was subscribed; different users run in parallel. A finished (or failed, or
 * cancelled) piece of work lets the next one start, and a user with nothing in flight
 * takes no memory.
 */
final class PerUserSequence {

	/**
	 * The longest a piece of work waits for the user's one before: a user sending many
	 * changes at once would otherwise queue them without bound, and those answered past
	 * the gateway's relay timeout count on its breaker, for everybody. Past it the work
	 * fails with a 429 (one change of a user at a time) and is never sent.
	 */
	static final Duration LONGEST_WAIT = Duration.ofSeconds(2);

	private final ConcurrentMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

	<T> Mono<T> run(String sub, Mono<T> work) {
		return Mono.defer(() -> {
			CompletableFuture<Void> done = new CompletableFuture<>();
			CompletableFuture<Void> previous = this.tails.put(sub, done);
			Mono<Void> turn = (previous != null)
					? Mono.fromFuture(previous, true)
						.timeout(LONGEST_WAIT, Mono.error(() -> new CallerRateLimitedException(LONGEST_WAIT)))
					: Mono.empty();
			return turn.then(work).doFinally((signal) -> {
				// A cancelled waiter must not let its successor overtake the one
				// it waited for.
				CompletableFuture<Void> after = (previous != null) ? previous : CompletableFuture.completedFuture(null);
				after.whenComplete((ignored, error) -> {
					this.tails.remove(sub, done);
					done.complete(null);
				});
			});
		});
	}

}
