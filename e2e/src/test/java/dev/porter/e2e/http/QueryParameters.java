package dev.porter.e2e.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reading a redirect's query, as the browser would hand it to the next page. */
public final class QueryParameters {

	private QueryParameters() {
	}

	/**
	 * The decoded value of the first {@code name} parameter in {@code uri}'s query.
	 * @param uri a redirect location, for example the IdP's answer to {@code /authorize}
	 * @param name the parameter, for example {@code code}
	 * @return its value, percent-decoded
	 * @throws AssertionError when the query has no such parameter: the journey expected
	 * one
	 */
	public static String first(URI uri, String name) {
		String query = uri.getRawQuery();
		if (query != null) {
			for (String pair : query.split("&")) {
				int eq = pair.indexOf('=');
				String key = (eq < 0) ? pair : pair.substring(0, eq);
				if (key.equals(name)) {
					return (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
				}
			}
		}
		throw new AssertionError("no " + name + " in " + uri);
	}

}
