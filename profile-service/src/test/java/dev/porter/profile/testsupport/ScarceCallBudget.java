package dev.porter.profile.testsupport;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import reactor.core.publisher.Mono;

import dev.porter.profile.upstream.CallBudget;

/**
 * A call budget the test runs short ({@link #runShort}), on a time of its own: no call
 * may go at once, {@code room} calls may wait in line for the next the test frees
 * ({@link #free}), and any more are refused, as the shared budget refuses a call whose
 * wait would pass {@code rate-limit-wait}, reserving nothing. Until then, and after
 * {@link #plenty}, every call goes at once.
 */
public final class ScarceCallBudget implements CallBudget {

	private final RateLimiter refusing = RateLimiter.ofDefaults("scarce");

	private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();

	private boolean scarce;

	private int room;

	private int free;

	private int asked;

	/** No call free at once, and room for {@code room} to wait. */
	public synchronized void runShort(int room) {
		this.scarce = true;
		this.room = room;
		this.free = 0;
	}

	/** Every call goes at once again, those waiting included. */
	public synchronized void plenty() {
		this.scarce = false;
		this.waiting.forEach((call) -> call.complete(null));
		this.waiting.clear();
	}

	/** {@code calls} more may go: those waiting first, in line, then the next to ask. */
	public synchronized void free(int calls) {
		for (int i = 0; i < calls; i++) {
			CompletableFuture<Void> next = this.waiting.poll();
			if (next != null) {
				next.complete(null);
			}
			else {
				this.free++;
			}
		}
	}

	/** How many calls wait in line. */
	public synchronized int waiting() {
		return this.waiting.size();
	}

	/** How many calls asked for the budget since it ran short. */
	public synchronized int asked() {
		return this.asked;
	}

	@Override
	public Mono<Void> spend() {
		return Mono.defer(() -> {
			synchronized (this) {
				if (goesAtOnce()) {
					return Mono.empty();
				}
				if (this.waiting.size() < this.room) {
					CompletableFuture<Void> turn = new CompletableFuture<>();
					this.waiting.add(turn);
					return Mono.fromFuture(turn);
				}
				return Mono.error(RequestNotPermitted.createRequestNotPermitted(this.refusing));
			}
		});
	}

	@Override
	public Mono<Void> spendNow() {
		return Mono.defer(() -> {
			synchronized (this) {
				return goesAtOnce() ? Mono.empty()
						: Mono.error(RequestNotPermitted.createRequestNotPermitted(this.refusing));
			}
		});
	}

	private boolean goesAtOnce() {
		if (!this.scarce) {
			return true;
		}
		this.asked++;
		if (this.free > 0 && this.waiting.isEmpty()) {
			this.free--;
			return true;
		}
		return false;
	}

}
