package dev.porter.gateway.problem;

import org.jspecify.annotations.Nullable;

/**
 * A request target as java.net.URI, and so Spring, can read it. Browsers send some
 * characters unencoded that RFC 3986 does not allow there (the WHATWG URL standard leaves
 * {@code | ^ { } [ ] `} and a lone {@code %} as they are in a query), and Spring answers
 * such a request with a bare 400 before any of the gateway's code runs. Percent-encoding
 * them keeps what the browser meant, as Tomcat's relaxed query characters do.
 */
final class BrowserRequestTargets {

	private static final boolean[] ALLOWED = new boolean[128];

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	static {
		String allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'()*+,;=";
		for (char c : allowed.toCharArray()) {
			ALLOWED[c] = true;
		}
	}

	private BrowserRequestTargets() {
	}

	/**
	 * {@code target} with every character that java.net.URI refuses percent-encoded, or
	 * {@code null} when it has none (nothing is allocated for the usual request).
	 */
	static @Nullable String encoded(String target) {
		int first = firstToEncode(target);
		if (first < 0) {
			return null;
		}
		StringBuilder out = new StringBuilder(target.length() + 16).append(target, 0, first);
		for (int i = first; i < target.length(); i++) {
			char c = target.charAt(i);
			if (mustEncode(target, i)) {
				out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	private static int firstToEncode(String target) {
		for (int i = 0; i < target.length(); i++) {
			if (mustEncode(target, i)) {
				return i;
			}
		}
		return -1;
	}

	/** Non-ASCII characters are left as they are: java.net.URI takes them. */
	private static boolean mustEncode(String target, int at) {
		char c = target.charAt(at);
		if (c == '%') {
			return !(at + 2 < target.length() && isHex(target.charAt(at + 1)) && isHex(target.charAt(at + 2)));
		}
		return c < 128 && !ALLOWED[c];
	}

	private static boolean isHex(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

}
