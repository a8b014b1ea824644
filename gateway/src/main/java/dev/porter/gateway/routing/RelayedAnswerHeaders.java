package dev.porter.gateway.routing;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * Which of an upstream answer's headers the browser gets: those an API answer needs to be
 * read (its type, length, encoding, language), revalidated ({@code ETag},
 * {@code Last-Modified}, {@code Vary}) and acted on ({@code Cache-Status},
 * {@code Retry-After}, {@code Allow}, {@code Accept-Patch}, and {@code Location} when it
 * names a path on the gateway's own origin). Nothing else: the gateway, not an API behind
 * it, speaks for its origin, so an upstream sets no cookie, no security header, no CORS,
 * reporting or origin policy, and no credential prompt: a {@code 401} carries the
 * gateway's own challenge instead of the upstream's. The gateway's own security headers
 * ({@code config.SecurityHeadersWriter}) are then the only ones on a relayed answer. An
 * answer that is not JSON is typed as opaque bytes: a page or a script an upstream served
 * would run as the gateway's origin.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-10.2.2">RFC 9110, 10.2.2
 * Location</a>
 * @see <a href="https://mimesniff.spec.whatwg.org/#computed-mime-type">MIME Sniffing,
 * computed MIME type</a>
 */
final class RelayedAnswerHeaders {

	private static final String LOCATION = "Location";

	private static final String CONTENT_TYPE = "Content-Type";

	/** What a browser neither renders nor runs, with the gateway's {@code nosniff}. */
	private static final String OPAQUE = "application/octet-stream";

	/** Found whatever their case, without a lower-case copy of each name. */
	private static final Set<String> PASSED = UpstreamCall
		.ignoringCase(Set.of(CONTENT_TYPE, "Content-Length", "Content-Encoding", "Content-Language", "ETag",
				"Last-Modified", "Vary", "Cache-Status", "Retry-After", "Allow", "Accept-Patch", LOCATION));

	private RelayedAnswerHeaders() {
	}

	/**
	 * What the browser gets of this header of an upstream's answer: its value, another
	 * value, or nothing ({@code null}).
	 */
	static @Nullable String forBrowser(String name, String value) {
		if (!PASSED.contains(name)) {
			return null;
		}
		if (CONTENT_TYPE.equalsIgnoreCase(name)) {
			return isJson(value) ? value : OPAQUE;
		}
		if (LOCATION.equalsIgnoreCase(name)) {
			return isPathOnThisOrigin(value) ? value : null;
		}
		return value;
	}

	/**
	 * Takes out of {@code headers} whatever of an upstream's answer {@link #forBrowser}
	 * may have let in, and the challenge put on its {@code 401}, for an answer the
	 * gateway writes in its place.
	 */
	static void removeFrom(HttpHeaders headers) {
		PASSED.forEach(headers::remove);
		headers.remove(HttpHeaders.WWW_AUTHENTICATE);
	}

	/**
	 * Whether a {@code Content-Type} is JSON: {@code application/json} or
	 * {@code application/*+json}, any parameters, no comma anywhere (a browser reading
	 * {@code application/json, text/html} takes the last type).
	 */
	static boolean isJson(String type) {
		if (type.indexOf(',') >= 0 || !type.regionMatches(true, 0, "application/", 0, 12)) {
			return false;
		}
		int end = type.indexOf(';');
		end = (end < 0) ? type.length() : end;
		while (end > 12 && (type.charAt(end - 1) == ' ' || type.charAt(end - 1) == '\t')) {
			end--;
		}
		for (int i = 12; i < end; i++) {
			char c = type.charAt(i);
			if (!Character.isLetterOrDigit(c) && c != '.' && c != '+' && c != '-' && c != '_') {
				return false;
			}
		}
		return (end == 16 && type.regionMatches(true, 12, "json", 0, 4))
				|| (end > 17 && type.regionMatches(true, end - 5, "+json", 0, 5));
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
