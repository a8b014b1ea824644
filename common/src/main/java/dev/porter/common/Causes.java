package dev.porter.common;

import java.util.Objects;
import java.util.stream.Stream;

/**
 * A failure and its causes, outermost first, as the checks that look for Redis's own
 * answer or a store failure among them walk them. A cause chain is short; the bound only
 * guards against a cycle.
 */
public final class Causes {

	private static final int MAX_DEPTH = 16;

	private Causes() {
	}

	public static Stream<Throwable> of(Throwable failure) {
		return Stream.iterate(failure, Objects::nonNull, Throwable::getCause).limit(MAX_DEPTH);
	}

}
