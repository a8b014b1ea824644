package dev.porter.profile.testsupport;

/**
 * The messages of a start-up failure and all its causes, one per line: a binding or
 * validation error names the missing setting deep in the cause chain, not at its top.
 */
public final class FailureMessages {

	private FailureMessages() {
	}

	public static String of(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			text.append(t.getMessage()).append('\n');
		}
		return text.toString();
	}

}
