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
		if (candidate.length() > MAX_BYTES || !candidate.startsWith("/")
				|| candidate.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
			return false;
		}
		if (candidate.length() > 1 && (candidate.charAt(1) == '/' || candidate.charAt(1) == '\\')) {
			return false;
		}
		for (int i = 0; i < candidate.length(); i++) {
			char c = candidate.charAt(i);
			if (c < 0x20 || c == 0x7f || c == '\\' || Character.isWhitespace(c)) {
				return false;
			}
		}
		return isParsable(candidate);
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
