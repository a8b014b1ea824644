package dev.porter.gateway.cookie;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * One cookie of a request, found without decoding every cookie. Asking the request for
 * its cookies decodes each one into a map, on every request: about 4 % of the gateway's
 * CPU per relayed request for the session cookie alone (docs/benchmarks.md, seventh
 * round), though only one cookie is wanted each time.
 * <p>
 * A {@code Cookie} header in the form browsers and {@code curl} send (RFC 6265 section
 * 4.2.1: {@code name=value} pairs separated by {@code ;} and spaces, names of token
 * characters, values of cookie octets, none quoted or empty) is read here; such a header
 * decodes the same way in every cookie decoder. Any other is left to the server's
 * decoder, so that the two cannot disagree ({@code RequestCookiesTests} compares them).
 */
public final class RequestCookies {

	private RequestCookies() {
	}

	/**
	 * The values of the cookies named {@code name}, in the order sent; none without a
	 * {@code Cookie} header.
	 * @return null when a {@code Cookie} header is not in the plain form: only the
	 * server's decoder may say what it holds
	 */
	public static @Nullable List<String> plainValues(ServerHttpRequest request, String name) {
		List<String> headers = request.getHeaders().get(HttpHeaders.COOKIE);
		if (headers == null) {
			return List.of();
		}
		List<String> values = new ArrayList<>(1);
		for (String header : headers) {
			if (!addPlainValues(header, name, values)) {
				return null;
			}
		}
		return values;
	}

	/**
	 * The value of the first cookie named {@code name}, as the server's decoder would
	 * give it, or null when there is none.
	 */
	public static @Nullable String first(ServerHttpRequest request, String name) {
		List<String> values = plainValues(request, name);
		if (values != null) {
			return values.isEmpty() ? null : values.get(0);
		}
		HttpCookie cookie = request.getCookies().getFirst(name);
		return (cookie != null) ? cookie.getValue() : null;
	}

	/**
	 * Adds the values of the cookies named {@code name} in a plain header to
	 * {@code values}.
	 * @return false when the header is not plain: {@code values} is then incomplete
	 */
	private static boolean addPlainValues(String header, String name, List<String> values) {
		if (header.isEmpty()) {
			return false;
		}
		int length = header.length();
		int i = 0;
		while (i < length) {
			int nameStart = i;
			while (i < length && isTokenChar(header.charAt(i))) {
				i++;
			}
			if (i == nameStart || i == length || header.charAt(i) != '=') {
				return false;
			}
			int nameEnd = i++;
			int valueStart = i;
			while (i < length && isCookieOctet(header.charAt(i))) {
				i++;
			}
			if (i == valueStart) {
				return false;
			}
			if (nameEnd - nameStart == name.length() && header.startsWith(name, nameStart)) {
				values.add(header.substring(valueStart, i));
			}
			if (i < length) {
				if (header.charAt(i) != ';') {
					return false;
				}
				i++;
				while (i < length && header.charAt(i) == ' ') {
					i++;
				}
				if (i == length) {
					return false;
				}
			}
		}
		return true;
	}

	/** RFC 9110 section 5.6.2's {@code tchar}. */
	private static boolean isTokenChar(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
	}

	/**
	 * RFC 6265 section 4.1.1's {@code cookie-octet}: no space, quote, comma, semicolon or
	 * backslash.
	 */
	private static boolean isCookieOctet(char c) {
		return c > ' ' && c < 0x7F && c != '"' && c != ',' && c != ';' && c != '\\';
	}

}
