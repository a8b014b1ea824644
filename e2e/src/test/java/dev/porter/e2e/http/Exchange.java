package dev.porter.e2e.http;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** One request and its response, as the scripted browser saw it. */
public record Exchange(String method, URI uri, int status, Map<String, List<String>> headers, String body) {

	public boolean isRedirect() {
		return this.status >= 300 && this.status < 400 && header("location") != null;
	}

	public URI location() {
		return this.uri.resolve(header("location"));
	}

	public String header(String name) {
		return this.headers.entrySet()
			.stream()
			.filter((e) -> e.getKey().equalsIgnoreCase(name))
			.findFirst()
			.map((e) -> String.join(", ", e.getValue()))
			.orElse(null);
	}

	/**
	 * Everything of the response a browser (and its scripts) could see: status line,
	 * headers, body.
	 */
	public String visibleText() {
		return this.status + "\n" + this.headers + "\n" + this.body;
	}

}
