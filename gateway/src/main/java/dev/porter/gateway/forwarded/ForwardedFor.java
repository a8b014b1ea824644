package dev.porter.gateway.forwarded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.http.HttpHeaders;

/**
 * The client-to-proxy chain a request names: the {@code for=} parameters of
 * {@code Forwarded} (RFC 7239) or, without it, {@code X-Forwarded-For}; client first,
 * each without port or brackets.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239">RFC 7239</a>
 */
final class ForwardedFor {

	private ForwardedFor() {
	}

	static List<String> addresses(HttpHeaders headers) {
		List<String> forwarded = headers.getValuesAsList("Forwarded");
		return forwarded.isEmpty() ? xForwardedFor(headers.getValuesAsList("X-Forwarded-For"))
				: forwardedFor(forwarded);
	}

	private static List<String> xForwardedFor(List<String> elements) {
		return elements.stream().map(ForwardedFor::withoutPort).toList();
	}

	private static List<String> forwardedFor(List<String> elements) {
		List<String> addresses = new ArrayList<>();
		for (String element : elements) {
			for (String pair : element.split(";")) {
				String trimmed = pair.strip();
				if (trimmed.toLowerCase(Locale.ROOT).startsWith("for=")) {
					addresses.add(withoutPort(unquote(trimmed.substring(4))));
				}
			}
		}
		return addresses;
	}

	private static String unquote(String value) {
		return (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
				? value.substring(1, value.length() - 1) : value;
	}

	private static String withoutPort(String node) {
		String value = node.strip();
		if (value.startsWith("[")) {
			int end = value.indexOf(']');
			return (end > 0) ? value.substring(1, end) : value;
		}
		int colon = value.indexOf(':');
		return (colon > 0 && colon == value.lastIndexOf(':')) ? value.substring(0, colon) : value;
	}

}
