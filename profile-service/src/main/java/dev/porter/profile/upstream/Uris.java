package dev.porter.profile.upstream;

import java.net.URI;
import java.net.URISyntaxException;

import org.jspecify.annotations.Nullable;

import dev.porter.common.HttpUris;
import dev.porter.common.Issuers;

/**
 * Parses the upstreams' URI settings so that a malformed value stops start-up with the
 * name of the environment variable that holds it.
 */
public final class Uris {

	private Uris() {
	}

	public static URI required(@Nullable String value, String variable) {
		URI uri = optional(value, variable);
		if (uri == null) {
			throw new IllegalArgumentException("set " + variable);
		}
		return uri;
	}

	public static @Nullable URI optional(@Nullable String value, String variable) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			URI uri = new URI(value.trim());
			// A host Java itself parses too (no underscore): origin() reads getHost().
			if (!HttpUris.isAbsoluteHttp(uri) || uri.getHost() == null) {
				throw new IllegalArgumentException(variable + " must be an absolute http(s) URI");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(variable + " is not a valid URI");
		}
	}

	/**
	 * The URI ending with one slash ({@link Issuers#withTrailingSlash}), so that relative
	 * paths resolve beneath it; Auth0's identifiers end with one anyway.
	 */
	public static URI withTrailingSlash(URI uri) {
		return URI.create(Issuers.withTrailingSlash(uri.toString()));
	}

	public static URI origin(URI uri) {
		int port = uri.getPort();
		return URI.create(uri.getScheme() + "://" + uri.getHost() + ((port != -1) ? ":" + port : ""));
	}

}
