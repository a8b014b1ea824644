package dev.porter.gateway.session;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.session.CookieWebSessionIdResolver;

/**
 * The session cookie's resolver, which finds the session's id without decoding every
 * cookie of the request. Spring's resolver asks the request for all its cookies, which
 * decodes each one into a map on every request: about 4 % of the gateway's CPU per
 * relayed request (docs/benchmarks.md, seventh round), though only one cookie is wanted.
 * <p>
 * A {@code Cookie} header in the form browsers and {@code curl} send (RFC 6265 section
 * 4.2.1: {@code name=value} pairs separated by {@code ;} and spaces, names of token
 * characters, values of cookie octets, none quoted or empty) is read here; such a header
 * decodes the same way in every cookie decoder. Any other is left to Spring's resolver
 * and the server's decoder, so that the two cannot disagree
 * ({@code SessionIdCookiesTests} compares them).
 */
final class SessionIdCookies extends CookieWebSessionIdResolver {

	@Override
	public List<String> resolveSessionIds(ServerWebExchange exchange) {
		List<String> headers = exchange.getRequest().getHeaders().get(HttpHeaders.COOKIE);
		if (headers == null) {
			return List.of();
		}
		List<String> ids = new ArrayList<>(1);
		for (String header : headers) {
			if (!addPlainValues(header, getCookieName(), ids)) {
				return super.resolveSessionIds(exchange);
			}
		}
		return ids;
	}

	/**
	 * Adds the values of the cookies named {@code name} in a plain header to {@code ids}.
	 * @return false when the header is not plain: {@code ids} is then incomplete
	 */
	private static boolean addPlainValues(String header, String name, List<String> ids) {
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
				ids.add(header.substring(valueStart, i));
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
