package dev.porter.gateway.routing;

import java.util.Set;

/**
 * Which of an upstream answer's headers the browser gets: those an API answer needs to be
 * read (its type, length, encoding, language), revalidated ({@code ETag},
 * {@code Last-Modified}, {@code Vary}) and acted on ({@code Cache-Status},
 * {@code Retry-After}, {@code Allow}, {@code Accept-Patch}, and {@code Location} when it
 * names a path on the gateway's own origin). Nothing else: the gateway, not an API behind
 * it, speaks for its origin, so an upstream sets no cookie, no security header, no CORS,
 * reporting or origin policy, and no credential prompt. The gateway's own security
 * headers ({@code config.SecurityHeadersWriter}) are then the only ones on a relayed
 * answer.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-10.2.2">RFC 9110, 10.2.2
 * Location</a>
 */
final class RelayedAnswerHeaders {

	private static final String LOCATION = "Location";

	/** Found whatever their case, without a lower-case copy of each name. */
	private static final Set<String> PASSED = UpstreamCall
		.ignoringCase(Set.of("Content-Type", "Content-Length", "Content-Encoding", "Content-Language", "Content-Range",
				"ETag", "Last-Modified", "Vary", "Cache-Status", "Retry-After", "Allow", "Accept-Patch", LOCATION));

	private RelayedAnswerHeaders() {
	}

	/** Whether the browser gets this header of an upstream's answer. */
	static boolean passes(String name, String value) {
		if (!PASSED.contains(name)) {
			return false;
		}
		return !LOCATION.equalsIgnoreCase(name) || isPathOnThisOrigin(value);
	}

	/**
	 * Whether a {@code Location} names a path of the origin it came from, whatever a
	 * browser makes of it: a single {@code /} first, and no control character or space
	 * anywhere, since browsers read {@code \} as {@code /} and drop tabs and newlines
	 * from a URL ({@code /\host} and {@code /<TAB>/host} name another host, as
	 * {@code //host} does).
	 */
	static boolean isPathOnThisOrigin(String location) {
		if (location.isEmpty() || location.charAt(0) != '/') {
			return false;
		}
		if (location.length() > 1 && (location.charAt(1) == '/' || location.charAt(1) == '\\')) {
			return false;
		}
		for (int i = 1; i < location.length(); i++) {
			char c = location.charAt(i);
			if (c <= ' ' || c == 0x7f) {
				return false;
			}
		}
		return true;
	}

}
