package dev.porter.profile.metadata;

import java.text.Normalizer;

import org.jspecify.annotations.Nullable;

/**
 * Which code points a stored string may hold. The base is I-JSON (RFC 7493 §2.1): no
 * surrogates and no noncharacters. On top: no control characters, because they hide text
 * from whoever reads the metadata later (terminal escapes, NUL truncation in C
 * libraries); values may keep TAB, LF and CR, which free text such as an address uses.
 * Keys must also be visible and unambiguous: no format characters (zero-width, bidi
 * controls, BOM, soft hyphen: Unicode category Cf) and Unicode NFC, so that two keys that
 * render alike are the same key.
 */
final class CodePoints {

	private static final char REPLACEMENT = '\uFFFD';

	private CodePoints() {
	}

	/** Why {@code value} may not be stored as a string value, or null if it may. */
	static @Nullable String valueProblem(String value) {
		return problem(value, false);
	}

	/** Why {@code key} may not be a member name, or null if it may. */
	static @Nullable String keyProblem(String key) {
		String problem = problem(key, true);
		if (problem == null && !Normalizer.isNormalized(key, Normalizer.Form.NFC)) {
			return "Keys must be in Unicode normalization form C (NFC).";
		}
		return problem;
	}

	/**
	 * The text with unpaired surrogates replaced by U+FFFD: such a string cannot be
	 * written as UTF-8, so a pointer naming it in a problem is shown this way.
	 */
	static String printable(String text) {
		StringBuilder out = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1));
			if (pairedHigh) {
				if (out != null) {
					out.append(c).append(text.charAt(i + 1));
				}
				i++;
				continue;
			}
			if (Character.isSurrogate(c) && out == null) {
				out = new StringBuilder(text.length()).append(text, 0, i);
			}
			if (out != null) {
				out.append(Character.isSurrogate(c) ? REPLACEMENT : c);
			}
		}
		return (out != null) ? out.toString() : text;
	}

	private static @Nullable String problem(String text, boolean key) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				int codePoint = Character.toCodePoint(c, text.charAt(i + 1));
				i++;
				if (isNoncharacter(codePoint)) {
					return "Unicode noncharacters are not allowed.";
				}
				if (key && Character.getType(codePoint) == Character.FORMAT) {
					return "Keys must not contain invisible or bidirectional formatting characters.";
				}
				continue;
			}
			if (Character.isSurrogate(c)) {
				return "Unpaired UTF-16 surrogates are not allowed.";
			}
			if (isControl(c, key)) {
				return "Control characters are not allowed" + (key ? " in keys." : " (except TAB, LF and CR).");
			}
			if (isNoncharacter(c)) {
				return "Unicode noncharacters are not allowed.";
			}
			if (key && Character.getType(c) == Character.FORMAT) {
				return "Keys must not contain invisible or bidirectional formatting characters.";
			}
		}
		return null;
	}

	private static boolean isControl(char c, boolean key) {
		if (!key && (c == '\t' || c == '\n' || c == '\r')) {
			return false;
		}
		return c < 0x20 || (c >= 0x7F && c <= 0x9F);
	}

	private static boolean isNoncharacter(int codePoint) {
		return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
	}

}
