package dev.porter.gateway.problem;

import java.util.Objects;
import java.util.stream.Stream;

/**
 * A failure and its causes, outermost first, as the store-failure checks walk them. A
 * cause chain is short; the bound only guards against a cycle.
 */
final class Causes {

	private static final int MAX_DEPTH = 16;

	private Causes() {
	}

	static Stream<Throwable> of(Throwable failure) {
		return Stream.iterate(failure, Objects::nonNull, Throwable::getCause).limit(MAX_DEPTH);
	}

}
