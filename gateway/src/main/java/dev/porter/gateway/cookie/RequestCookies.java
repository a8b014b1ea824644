package dev.porter.gateway.cookie;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * One cookie of a request, found without decoding every cookie. Asking the request for
 * its cookies decodes each one into a map, on every request: about 4 % of the gateway's
 * CPU per relayed request for the session cookie alone (docs/benchmarks.md, seventh
 * round), though only one cookie is wanted each time.
 * <p>
 * A {@code Cookie} header in the plain form browsers and {@code curl} send
 * ({@link PlainCookieHeaders}) decodes the same way in every cookie decoder, and is read
 * here; any other is left to the server's decoder, so that the two cannot disagree
 * ({@code RequestCookiesTests} compares them). The headers are scanned once per request
 * however many cookies are asked for: the session's id is asked for twice (when the
 * session is read and when it is saved) and the CSRF cookie once, on every request
 * (docs/benchmarks.md, nineteenth round).
 */
public final class RequestCookies {

	/** The scan of the exchange's request, kept as {@link Scanned}. */
	private static final String SCANNED = RequestCookies.class.getName() + ".SCANNED";

	private RequestCookies() {
	}

	/**
	 * The values of the cookies named {@code name}, in the order sent; none without a
	 * {@code Cookie} header.
	 * @return null when a {@code Cookie} header is not in the plain form: only the
	 * server's decoder may say what it holds
	 */
	public static @Nullable List<String> plainValues(ServerWebExchange exchange, String name) {
		PlainCookieHeaders headers = scanned(exchange);
		return (headers != null) ? headers.values(name) : null;
	}

	/**
	 * The value of the first cookie named {@code name}, as the server's decoder would
	 * give it, or null when there is none.
	 */
	public static @Nullable String first(ServerWebExchange exchange, String name) {
		PlainCookieHeaders headers = scanned(exchange);
		if (headers != null) {
			return headers.first(name);
		}
		HttpCookie cookie = exchange.getRequest().getCookies().getFirst(name);
		return (cookie != null) ? cookie.getValue() : null;
	}

	private static @Nullable PlainCookieHeaders scanned(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		Scanned scanned = exchange.getAttribute(SCANNED);
		// A filter may give the exchange another request (with other headers); the
		// attributes stay the exchange's.
		if (scanned == null || scanned.request() != request) {
			List<String> headers = request.getHeaders().get(HttpHeaders.COOKIE);
			scanned = new Scanned(request, PlainCookieHeaders.scan((headers != null) ? headers : List.of()));
			exchange.getAttributes().put(SCANNED, scanned);
		}
		return scanned.headers();
	}

	/** A request and the scan of its headers: null when they are not plain. */
	private record Scanned(ServerHttpRequest request, @Nullable PlainCookieHeaders headers) {
	}

}
