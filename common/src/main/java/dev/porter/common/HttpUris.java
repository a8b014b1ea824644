package dev.porter.common;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * Which URI settings name a place both services can call or send a browser to: an
 * absolute {@code http} or {@code https} URI with a host. Anything else ({@code
 * tenant.eu.auth0.com} without its scheme, which parses as a relative path, or
 * {@code profile-service:8081}, which parses as the scheme {@code profile-service}) must
 * stop start-up rather than fail each request.
 */
public final class HttpUris {

	private HttpUris() {
	}

	/**
	 * Whether the URI is absolute, {@code http} or {@code https} (in any case), and names
	 * a host. The host is read from the authority: Java's {@link URI#getHost()} is
	 * {@code null} for a name with an underscore, such as the Docker service name
	 * {@code profile_service}, which HTTP clients reach.
	 * @param uri a URI setting
	 * @return whether requests can be sent to it
	 */
	public static boolean isAbsoluteHttp(URI uri) {
		String scheme = uri.getScheme();
		if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
			return false;
		}
		String authority = uri.getRawAuthority();
		if (authority == null) {
			return false;
		}
		String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
		int colon = hostAndPort.lastIndexOf(':');
		boolean hasPort = colon > hostAndPort.lastIndexOf(']');
		return !(hasPort ? hostAndPort.substring(0, colon) : hostAndPort).isEmpty();
	}

	/**
	 * Stops a setting that is set but not {@link #isAbsoluteHttp absolute http(s)}: an
	 * unset one ({@code null}) is for other checks to judge.
	 * @param uri the setting's value
	 * @param variable the environment variable that sets it, named in the refusal
	 * @throws IllegalArgumentException naming {@code variable}
	 */
	public static void requireAbsoluteHttp(@Nullable URI uri, String variable) {
		if (uri != null && !isAbsoluteHttp(uri)) {
			throw new IllegalArgumentException(variable + " must be an absolute http(s) URI");
		}
	}

}
