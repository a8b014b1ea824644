package dev.porter.gateway.token;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Whether an API's {@code WWW-Authenticate} says that it refused the bearer token it was
 * sent: a {@code Bearer} challenge with {@code error="invalid_token"} (expired, revoked,
 * malformed, or invalid for other reasons). profile-service answers so both when the
 * token fails its own checks and when the IdP's {@code /userinfo} refuses it. Only that:
 * {@code invalid_request} and {@code insufficient_scope} are about the request, and a
 * challenge without an error says no token was sent.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750, 3.1 Error
 * Codes</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1">RFC 9110, 11.6.1
 * WWW-Authenticate</a>
 */
public final class InvalidTokenChallenge {

	private static final String TOKEN_SPECIALS = "!#$%&'*+-.^_`|~";

	private InvalidTokenChallenge() {
	}

	/** Whether any of the header's lines holds such a challenge. */
	public static boolean isAmong(@Nullable List<String> wwwAuthenticate) {
		if (wwwAuthenticate == null) {
			return false;
		}
		for (String line : wwwAuthenticate) {
			if (saysInvalidToken(line)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reads the line's challenges in turn: a scheme, then its parameters
	 * ({@code name=token} or {@code name="quoted string"}), separated by commas. A word
	 * not followed by {@code =} starts the next challenge; a quoted value is read whole,
	 * so an {@code error_description} that quotes another error changes nothing.
	 */
	private static boolean saysInvalidToken(String line) {
		boolean bearer = false;
		int i = 0;
		while (i < line.length()) {
			int start = i;
			while (i < line.length() && isTokenChar(line.charAt(i))) {
				i++;
			}
			if (i == start) {
				// A separator, or what no challenge holds (a token68's '=' or '/').
				i++;
				continue;
			}
			String word = line.substring(start, i);
			i = skipSpaces(line, i);
			if (i < line.length() && line.charAt(i) == '=') {
				Value value = Value.read(line, skipSpaces(line, i + 1));
				if (bearer && "error".equalsIgnoreCase(word) && "invalid_token".equals(value.text())) {
					return true;
				}
				i = value.end();
			}
			else {
				bearer = "Bearer".equalsIgnoreCase(word);
			}
		}
		return false;
	}

	/**
	 * A parameter's value, a token or a quoted string (its escapes undone), and where it
	 * ends in the line.
	 */
	private record Value(String text, int end) {

		static Value read(String line, int from) {
			if (from >= line.length() || line.charAt(from) != '"') {
				int i = from;
				while (i < line.length() && isTokenChar(line.charAt(i))) {
					i++;
				}
				return new Value(line.substring(from, i), i);
			}
			StringBuilder text = new StringBuilder();
			int i = from + 1;
			while (i < line.length() && line.charAt(i) != '"') {
				if (line.charAt(i) == '\\' && i + 1 < line.length()) {
					i++;
				}
				text.append(line.charAt(i));
				i++;
			}
			return new Value(text.toString(), i + 1);
		}

	}

	private static int skipSpaces(String line, int from) {
		int i = from;
		while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	private static boolean isTokenChar(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				|| TOKEN_SPECIALS.indexOf(c) >= 0;
	}

}
