package dev.porter.gateway.login;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Where the browser goes after login: only a path on this origin, so {@code /bff/login}
 * cannot be used as an open redirect. {@code //host} and {@code /\host} are
 * protocol-relative to browsers, and a backslash anywhere is rejected because browsers
 * read it as a slash.
 *
 * @param path the validated path (with query and fragment, if any)
 */
record ReturnTo(String path) {

	static final ReturnTo ROOT = new ReturnTo("/");

	/**
	 * In UTF-8 bytes, not characters: the path travels encrypted in the pending-login
	 * cookie, which must stay within the 4096 bytes every browser keeps.
	 */
	private static final int MAX_BYTES = 2048;

	ReturnTo {
		if (!isLocalPath(path)) {
			throw new IllegalArgumentException("returnTo must be a local path");
		}
	}

	/**
	 * The requested target, the root when none was given, or {@code null} when it is not
	 * a local path.
	 */
	static @Nullable ReturnTo parse(@Nullable String requested) {
		if (requested == null || requested.isEmpty()) {
			return ROOT;
		}
		return isLocalPath(requested) ? new ReturnTo(requested) : null;
	}

	static boolean isLocalPath(String candidate) {
		return fault(candidate) == null;
	}

	/** Why {@code candidate} is no local path; {@code null} when it is one. */
	static @Nullable Fault fault(String candidate) {
		if (candidate.length() > MAX_BYTES || candidate.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
			return Fault.TOO_LONG;
		}
		if (!candidate.startsWith("/")) {
			return Fault.NOT_A_PATH;
		}
		if (candidate.length() > 1 && (candidate.charAt(1) == '/' || candidate.charAt(1) == '\\')) {
			return Fault.ANOTHER_HOST;
		}
		for (int i = 0; i < candidate.length(); i++) {
			char c = candidate.charAt(i);
			if (c < 0x20 || c == 0x7f || c == '\\' || Character.isWhitespace(c)) {
				return Fault.FORBIDDEN_CHARACTER;
			}
		}
		return isParsable(candidate) ? null : Fault.NOT_A_URI;
	}

	/**
	 * The rule a {@code returnTo} broke, in words an operator can act on: what is logged
	 * of a refused one, never the value, which a link or a caller chose (a query can
	 * carry a token).
	 */
	enum Fault {

		TOO_LONG("longer than " + MAX_BYTES + " bytes"),

		NOT_A_PATH("does not start with /: an absolute URL or a relative path, where a path on this origin is wanted"),

		ANOTHER_HOST("starts with // or /\\, another host to a browser"),

		FORBIDDEN_CHARACTER("holds a control character, whitespace or a backslash"),

		NOT_A_URI("is no valid URI reference (unencoded or badly encoded characters)");

		private final String description;

		Fault(String description) {
			this.description = description;
		}

		String description() {
			return this.description;
		}

	}

	private static boolean isParsable(String candidate) {
		try {
			java.net.URI.create(candidate);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
