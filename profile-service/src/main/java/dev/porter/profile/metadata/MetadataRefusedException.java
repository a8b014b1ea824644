package dev.porter.profile.metadata;

import java.util.List;

/**
 * A metadata change broke the rules; {@code problem/ApiExceptionHandler} answers it as
 * 400 with one entry per {@link Violation}.
 */
public final class MetadataRefusedException extends RuntimeException {

	private final List<Violation> violations;

	MetadataRefusedException(List<Violation> violations) {
		// an expected refusal of the caller's input: no stack trace to fill
		super("metadata change refused", null, false, false);
		this.violations = List.copyOf(violations);
	}

	public List<Violation> violations() {
		return this.violations;
	}

}
