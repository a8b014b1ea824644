package dev.porter.gateway.routing;

/**
 * The upstream's body failed while the relay wrote it (its connection closed or stalled
 * before the body was whole), told apart from what else may fail while the answer is
 * written: the session's save, which Spring runs as the answer is committed, is the
 * session store's failure, not the upstream's.
 */
final class AnswerBodyFailed extends RuntimeException {

	private final Throwable failure;

	AnswerBodyFailed(Throwable failure) {
		super(failure.toString(), failure, false, false);
		this.failure = failure;
	}

	/** What the body's read failed with. */
	Throwable failure() {
		return this.failure;
	}

}
