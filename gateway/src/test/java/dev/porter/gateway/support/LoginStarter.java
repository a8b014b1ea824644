package dev.porter.gateway.support;

import java.util.Map;
import java.util.function.Consumer;

import org.springframework.http.HttpHeaders;

/**
 * Who asks for {@code /bff/login}, told apart by the headers a browser adds: what the
 * gateway answers a refused login depends on it (a person lands on the SPA, everything
 * else gets the problem).
 */
public enum LoginStarter {

	/** "Sign in" clicked: a top-level navigation the user started. */
	USER(Map.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document",
			"Sec-Fetch-User", "?1", HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")),

	/**
	 * A script sending the browser there ({@code location.assign} with no click behind
	 * it): a navigation the browser does not mark as the user's.
	 */
	SCRIPT_NAVIGATION(Map.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest",
			"document", HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")),

	/** A script's fetch. */
	SCRIPT_FETCH(Map.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "cors", "Sec-Fetch-Dest", "empty",
			HttpHeaders.ACCEPT, "application/json")),

	/** A client with no sign of a browser (curl, a load test). */
	CURL(Map.of());

	private final Map<String, String> headers;

	LoginStarter(Map<String, String> headers) {
		this.headers = headers;
	}

	/** Sets the headers this starter's request carries. */
	public Consumer<HttpHeaders> headers() {
		return (request) -> this.headers.forEach(request::set);
	}

}
