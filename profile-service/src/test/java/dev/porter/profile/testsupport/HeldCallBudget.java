package dev.porter.profile.testsupport;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import reactor.core.publisher.Mono;

import dev.porter.profile.upstream.CallBudget;

/**
 * A call budget whose next spends a test holds ({@link #holdNextSpend}): the call waits
 * there, as one waits for the shared budget (its turn, or Redis), until the test releases
 * it, then spends the budget it wraps. Every other spend goes straight to that budget.
 */
public final class HeldCallBudget implements CallBudget {

	private final CallBudget budget;

	/** The holds whose spend has not come yet: each takes the next. */
	private final Queue<Hold> holds = new ConcurrentLinkedQueue<>();

	/** Every hold since the last {@link #releaseAll}, its spend come or not. */
	private final List<Hold> added = new CopyOnWriteArrayList<>();

	public HeldCallBudget(CallBudget budget) {
		this.budget = budget;
	}

	/** Holds the next spend that comes, until released. */
	public Hold holdNextSpend() {
		Hold hold = new Hold(new CompletableFuture<>(), new CompletableFuture<>());
		this.added.add(hold);
		this.holds.add(hold);
		return hold;
	}

	/**
	 * Releases and forgets every hold, those whose spend is being held included: one a
	 * failed test left would hold up a later test's call.
	 */
	public void releaseAll() {
		this.holds.clear();
		for (Hold hold : this.added) {
			hold.release();
		}
		this.added.clear();
	}

	@Override
	public Mono<Void> spend() {
		return Mono.defer(() -> {
			Hold hold = this.holds.poll();
			if (hold == null) {
				return this.budget.spend();
			}
			hold.reached().complete(null);
			return Mono.fromFuture(hold.released()).then(this.budget.spend());
		});
	}

	/** Never held: a call that waits for nothing. */
	@Override
	public Mono<Void> spendNow() {
		return this.budget.spendNow();
	}

	/**
	 * One spend held: {@code reached} once it came, it goes on once {@link #release
	 * released}.
	 */
	public record Hold(CompletableFuture<Void> reached, CompletableFuture<Void> released) {

		public void awaitReached() throws Exception {
			this.reached.get(10, TimeUnit.SECONDS);
		}

		public void release() {
			this.released.complete(null);
		}

	}

}
