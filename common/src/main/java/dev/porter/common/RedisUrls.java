package dev.porter.common;

import java.net.URI;

import io.lettuce.core.RedisURI;

/**
 * Reads {@code REDIS_URL} the same way in both services, and refuses a malformed one
 * without repeating it: Lettuce's own parse errors quote the whole URL, password
 * included, into the start-up log. A password made with {@code openssl rand -base64}
 * holds a {@code /} or a {@code +} half the time, and must then be percent-encoded. A URL
 * is also refused when Lettuce would connect to another host than the URL names. The
 * refusal says which part is at fault: a host that is no DNS name (a compose service
 * named with an {@code _}) fails the same parse as an unencoded password.
 */
public final class RedisUrls {

	private RedisUrls() {
	}

	/**
	 * The URL as Lettuce connects to it: TLS and peer verification for {@code rediss://},
	 * the password, the database.
	 * @param url a {@code redis://} or {@code rediss://} URL
	 * @param variable the environment variable that sets it, named in the refusal
	 * @return what Lettuce reads from it
	 * @throws IllegalArgumentException naming {@code variable}, never quoting the URL and
	 * with no cause that would
	 */
	public static RedisURI parse(String url, String variable) {
		if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
			throw new IllegalArgumentException(variable + " is not a redis:// or rediss:// URL");
		}
		URI named;
		RedisURI uri;
		try {
			named = URI.create(url);
			uri = RedisURI.create(url);
		}
		catch (RuntimeException ex) {
			// Not chained: its message is the URL with the password.
			throw refused(url, variable);
		}
		// A # in a password starts a fragment: Lettuce would connect elsewhere, or
		// without it.
		if (named.getRawFragment() != null) {
			throw refused(url, variable);
		}
		// An unencoded @ in the password (or a host Java cannot read) leaves Java
		// without a host, and Lettuce takes all after the last @ as the host, e.g.
		// "redis.internal:6380" on port 6379: start-up would succeed and Redis stay
		// unreachable.
		if (uri.getHost() == null || uri.getHost().isBlank() || !uri.getHost().equals(named.getHost())) {
			throw refused(url, variable);
		}
		return uri;
	}

	private static IllegalArgumentException refused(String url, String variable) {
		if (!hostReadable(url)) {
			return new IllegalArgumentException(variable + " is not a valid redis:// or rediss:// URL:"
					+ " its host must be a DNS name without '_' or an IP address, with an optional :port"
					+ " (a compose service named with '_' needs a network alias without one)");
		}
		return new IllegalArgumentException(variable + " is not a valid redis:// or rediss:// URL with a host;"
				+ " percent-encode reserved characters in the password (/ as %2F, + as %2B, = as %3D, @ as %40)");
	}

	/**
	 * Whether Java reads a host in what Lettuce takes for the host: all after the last
	 * {@code @} (a password's reserved characters come before it) up to the path.
	 */
	private static boolean hostReadable(String url) {
		String afterScheme = url.substring(url.indexOf("://") + 3);
		String hostAndPath = afterScheme.substring(afterScheme.lastIndexOf('@') + 1);
		String hostAndPort = hostAndPath.split("[/?#]", 2)[0];
		try {
			return URI.create("redis://" + hostAndPort).getHost() != null;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
