package dev.porter.gateway.cookie;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A request's {@code Cookie} headers in the plain form browsers and {@code curl} send
 * (RFC 6265 section 4.2.1: {@code name=value} pairs separated by {@code ;} and spaces,
 * names of token characters, values of cookie octets, none quoted or empty), scanned once
 * into where each cookie's name and value lie, so that asking for several cookies does
 * not scan them again and decodes none but the one asked for.
 */
final class PlainCookieHeaders {

	/**
	 * For each cookie: its header's index, its name's start, the name's end, the value's
	 * end.
	 */
	private static final int SLOTS = 4;

	private static final boolean[] TOKEN_CHARS = new boolean[128];

	private static final boolean[] COOKIE_OCTETS = new boolean[128];

	static {
		// RFC 9110 section 5.6.2's tchar.
		for (char c = 0; c < 128; c++) {
			TOKEN_CHARS[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
			// RFC 6265 section 4.1.1's cookie-octet: no space, quote, comma, semicolon
			// or backslash.
			COOKIE_OCTETS[c] = c > ' ' && c < 0x7F && c != '"' && c != ',' && c != ';' && c != '\\';
		}
	}

	private final List<String> headers;

	private final int[] cookies;

	private final int count;

	private PlainCookieHeaders(List<String> headers, int[] cookies, int count) {
		this.headers = headers;
		this.cookies = cookies;
		this.count = count;
	}

	/**
	 * Scans {@code headers}.
	 * @return null when one of them is not in the plain form: only the server's decoder
	 * may say what it holds
	 */
	static @Nullable PlainCookieHeaders scan(List<String> headers) {
		int[] cookies = new int[SLOTS * 4];
		int count = 0;
		for (int h = 0; h < headers.size(); h++) {
			String header = headers.get(h);
			int length = header.length();
			if (length == 0) {
				return null;
			}
			int i = 0;
			while (i < length) {
				int nameStart = i;
				while (i < length && isIn(TOKEN_CHARS, header.charAt(i))) {
					i++;
				}
				if (i == nameStart || i == length || header.charAt(i) != '=') {
					return null;
				}
				int nameEnd = i++;
				int valueStart = i;
				while (i < length && isIn(COOKIE_OCTETS, header.charAt(i))) {
					i++;
				}
				if (i == valueStart) {
					return null;
				}
				if ((count + 1) * SLOTS > cookies.length) {
					cookies = Arrays.copyOf(cookies, cookies.length * 2);
				}
				int slot = count++ * SLOTS;
				cookies[slot] = h;
				cookies[slot + 1] = nameStart;
				cookies[slot + 2] = nameEnd;
				cookies[slot + 3] = i;
				if (i < length) {
					if (header.charAt(i) != ';') {
						return null;
					}
					i++;
					while (i < length && header.charAt(i) == ' ') {
						i++;
					}
					if (i == length) {
						return null;
					}
				}
			}
		}
		return new PlainCookieHeaders(headers, cookies, count);
	}

	/** The values of the cookies named {@code name}, in the order sent. */
	List<String> values(String name) {
		List<String> values = new ArrayList<>(1);
		for (int slot = 0; slot < this.count * SLOTS; slot += SLOTS) {
			if (isNamed(slot, name)) {
				values.add(value(slot));
			}
		}
		return values;
	}

	/** The value of the first cookie named {@code name}, or null when there is none. */
	@Nullable String first(String name) {
		for (int slot = 0; slot < this.count * SLOTS; slot += SLOTS) {
			if (isNamed(slot, name)) {
				return value(slot);
			}
		}
		return null;
	}

	private boolean isNamed(int slot, String name) {
		int nameStart = this.cookies[slot + 1];
		return this.cookies[slot + 2] - nameStart == name.length()
				&& this.headers.get(this.cookies[slot]).startsWith(name, nameStart);
	}

	private String value(int slot) {
		return this.headers.get(this.cookies[slot]).substring(this.cookies[slot + 2] + 1, this.cookies[slot + 3]);
	}

	private static boolean isIn(boolean[] table, char c) {
		return c < 128 && table[c];
	}

}
