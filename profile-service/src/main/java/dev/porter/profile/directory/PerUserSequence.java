package dev.porter.profile.directory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;

import dev.porter.common.Detached;
import dev.porter.profile.problem.CallerRateLimitedException;

/**
 * Runs the work given for one user one after another within this instance, in the order
 * it was subscribed; different users run in parallel. Once its turn has come, a piece of
 * work runs to its end even if its subscriber cancels, and only that end lets the next
 * one start: a change whose caller went away may still land, and the next must see its
 * outcome. A piece of work that fails, or is cancelled while it waits, lets the next one
 * start as well, and a user with nothing in flight takes no memory.
 */
public final class PerUserSequence {

	/**
	 * The longest a piece of work waits for the user's one before: a user sending many
	 * changes at once would otherwise queue them without bound, and those answered past
	 * the gateway's relay timeout count on its breaker, for everybody. Past it the work
	 * fails with a 429 (one change of a user at a time) and is never sent.
	 */
	public static final Duration LONGEST_WAIT = Duration.ofSeconds(2);

	private final ConcurrentMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

	/** Per user, how many pieces of work wait for their turn; absent when none. */
	private final ConcurrentMap<String, Integer> waiting = new ConcurrentHashMap<>();

	/** How many pieces of work of the user's wait for their turn. */
	public int waiting(String sub) {
		return this.waiting.getOrDefault(sub, 0);
	}

	public <T> Mono<T> run(String sub, Mono<T> work) {
		return run(sub, work, Mono.empty());
	}

	/**
	 * {@link #run(String, Mono)}, with {@code stillWanted} subscribed when the work's
	 * turn comes after waiting for another one, in the subscriber's context: should it
	 * fail, the work is never run and its subscriber gets that failure. The wait may have
	 * used up the time its caller gave it.
	 */
	public <T> Mono<T> run(String sub, Mono<T> work, Mono<Void> stillWanted) {
		return Mono.defer(() -> {
			CompletableFuture<Void> done = new CompletableFuture<>();
			CompletableFuture<Void> previous = this.tails.put(sub, done);
			// A waiter that leaves must not let its successor overtake the one it
			// waited for: the turn passes on only once that one has ended too.
			CompletableFuture<Void> before = (previous != null) ? previous : CompletableFuture.completedFuture(null);
			Runnable passTurn = () -> before.whenComplete((ignored, error) -> {
				this.tails.remove(sub, done);
				done.complete(null);
			});
			AtomicBoolean settled = new AtomicBoolean();
			if (previous != null) {
				this.waiting.merge(sub, 1, Integer::sum);
			}
			Mono<Void> turn = (previous != null) ? Mono.fromFuture(previous, true)
				.timeout(LONGEST_WAIT, Mono.error(() -> new CallerRateLimitedException(LONGEST_WAIT)))
				.doFinally(
						(signal) -> this.waiting.computeIfPresent(sub, (key, count) -> (count > 1) ? count - 1 : null))
				.then(stillWanted) : Mono.empty();
			return turn.then(Mono.defer(() -> {
				if (!settled.compareAndSet(false, true)) {
					return Mono.empty();
				}
				return Detached.run(work.doFinally((signal) -> passTurn.run()));
			})).doFinally((signal) -> {
				// Left (or refused) before its turn came: nothing of it ran.
				if (settled.compareAndSet(false, true)) {
					passTurn.run();
				}
			});
		});
	}

}
