package dev.porter.gateway.problem;

import org.jspecify.annotations.Nullable;

/**
 * A failure as it may be logged: each exception of the cause chain keeps its type and its
 * stack frames, so an operator can find where it happened, but loses its message and its
 * suppressed exceptions. Messages can quote upstream bodies or tokens, and Reactor's
 * checkpoints (added as suppressed exceptions) quote the whole request URI, e.g. a login
 * callback's {@code code} and {@code state}.
 */
final class RedactedFailure extends RuntimeException {

	private RedactedFailure(Throwable original, @Nullable RedactedFailure cause) {
		super(original.getClass().getName(), cause, false, true);
		setStackTrace(original.getStackTrace());
	}

	static RedactedFailure of(Throwable failure) {
		return redact(failure, 0);
	}

	private static RedactedFailure redact(Throwable failure, int depth) {
		Throwable cause = failure.getCause();
		// a cause chain is short; the bound only guards against a cycle
		boolean follow = cause != null && cause != failure && depth < 16;
		return new RedactedFailure(failure, follow ? redact(cause, depth + 1) : null);
	}

	/**
	 * Only the original type: {@code java.lang.IllegalStateException}, not this class.
	 */
	@Override
	public String toString() {
		return getMessage();
	}

}
