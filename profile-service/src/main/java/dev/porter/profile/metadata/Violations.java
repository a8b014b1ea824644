package dev.porter.profile.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules a body broke, in document order. At most {@link #MAX_REPORTED} are kept: a 16
 * KiB body of bad keys must not turn into a problem many times its size.
 */
final class Violations {

	static final int MAX_REPORTED = 20;

	private final List<Violation> found = new ArrayList<>();

	/**
	 * Records a broken rule; once {@link #MAX_REPORTED} are known, refuses the body
	 * without reading further.
	 */
	void add(String pointer, String detail) {
		this.found.add(new Violation(CodePoints.printable(pointer), detail));
		if (this.found.size() >= MAX_REPORTED) {
			throw refusal();
		}
	}

	boolean isEmpty() {
		return this.found.isEmpty();
	}

	MetadataRefusedException refusal() {
		return new MetadataRefusedException(List.copyOf(this.found));
	}

	/** Refuses the body for this one reason, with whatever was found before it. */
	MetadataRefusedException refusal(String pointer, String detail) {
		this.found.add(new Violation(CodePoints.printable(pointer), detail));
		return refusal();
	}

}
