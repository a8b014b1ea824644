package dev.porter.profile.upstream;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Whether a change sent upstream may have been applied, over all of its attempts. The
 * failure the caller finally gets cannot say: a retry refused before it is sent (the
 * circuit opened meanwhile, a 429 whose wait is beyond the budget) hides an earlier
 * attempt that timed out or got a 5xx after the upstream may have applied the change. The
 * caller puts one in the Reactor context of the change ({@link #into}), and each attempt
 * marks it ({@link #observe}) unless its outcome surely changed nothing (see
 * {@link UpstreamFailures#leftUnchanged}). One answered with a success that could not be
 * read also tells that the change was applied ({@link #applied}).
 */
public final class WriteAttempts {

	private volatile boolean mayHaveApplied;

	private volatile boolean applied;

	/** Whether an attempt answered, timed out or broke after it may have been applied. */
	public boolean mayHaveApplied() {
		return this.mayHaveApplied;
	}

	/**
	 * Whether an attempt was answered with a success whose body could not be read (the
	 * user it returned is larger than this service reads): the change was applied, though
	 * what it produced is unknown here.
	 */
	public boolean applied() {
		return this.applied;
	}

	/** {@code context} carrying this, for the change's {@code contextWrite}. */
	public Context into(Context context) {
		return context.put(WriteAttempts.class, this);
	}

	/**
	 * One attempt of a call, marking the {@code WriteAttempts} of its context, if any,
	 * when it succeeds, is cancelled (a timeout), or fails in a way that may have changed
	 * something.
	 */
	public static <T> Mono<T> observe(Mono<T> attempt) {
		return Mono.deferContextual((context) -> context.<WriteAttempts>getOrEmpty(WriteAttempts.class)
			.map((attempts) -> attempt.doOnSuccess((value) -> attempts.mark())
				.doOnCancel(attempts::mark)
				.doOnError((ex) -> {
					if (!UpstreamFailures.leftUnchanged(ex)) {
						attempts.mark();
					}
					if (ex instanceof UpstreamException upstream && upstream.isSuccessAnswer()) {
						attempts.markApplied();
					}
				}))
			.orElse(attempt));
	}

	private void mark() {
		this.mayHaveApplied = true;
	}

	private void markApplied() {
		this.applied = true;
	}

}
