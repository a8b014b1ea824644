package dev.porter.gateway.session;

import dev.porter.gateway.bff.BffProperties;
import org.jspecify.annotations.Nullable;

/**
 * The session cookie's name and {@code Secure} flag, which the pending-login cookie
 * shares (it is named after this one): {@code SESSION_COOKIE_NAME} and
 * {@code SESSION_COOKIE_SECURE} as set, or, unset or blank, as {@code PUBLIC_BASE_URL}'s
 * scheme has them. Over https, {@code __Host-porter-session}, {@code Secure}: bound to
 * this host and never sent over plain http. Over plain http, {@code porter-session}
 * without {@code Secure}: Safari keeps no {@code Secure} cookie a plain-http origin sets,
 * loopback included (WebKit bug 281149; Chrome and Firefox keep them on loopback), so on
 * {@code http://localhost} every login in Safari ended at {@code /?login=failed}, its
 * pending-login cookie dropped; and over plain http {@code Secure} protects nothing.
 * <p>
 * Settings that contradict each other or the scheme stop start-up naming the variables,
 * since each would make every login fail with nothing pointing at the cause, or let the
 * cookies travel over plain http; so does plain http beyond loopback unless
 * {@code SESSION_COOKIE_SECURE=false} says it is meant.
 *
 * @param name the session cookie's name
 * @param secure whether the session and login cookies are {@code Secure}
 */
public record SessionCookie(String name, boolean secure) {

	private static final String SECURE_NAME = "__Host-porter-session";

	private static final String PLAIN_NAME = "porter-session";

	static SessionCookie of(SessionProperties settings, BffProperties bff) {
		Boolean secureSetting = settings.cookieSecure();
		if (secureSetting == null && !bff.isSecureContext()) {
			// Beyond loopback, plain http carries the cookie unprotected: an operator's
			// choice to say, or a mistake (TLS ended at a proxy, PUBLIC_BASE_URL left
			// at http) to name.
			throw new IllegalStateException("PUBLIC_BASE_URL is plain http on a host other than localhost, where the"
					+ " session cookie would travel unprotected: set PUBLIC_BASE_URL to the https address browsers use,"
					+ " or SESSION_COOKIE_SECURE=false to serve sessions over plain http on purpose");
		}
		boolean secure = (secureSetting != null) ? secureSetting : bff.isHttps();
		String name = isBlank(settings.cookieName()) ? (secure ? SECURE_NAME : PLAIN_NAME) : settings.cookieName();
		if (!secure && (startsWithIgnoringCase(name, "__Host-") || startsWithIgnoringCase(name, "__Secure-"))) {
			// RFC 6265bis: browsers drop a __Host- or __Secure- cookie (in any case)
			// that is not Secure.
			throw new IllegalStateException("SESSION_COOKIE_NAME is " + name + ", but a __Host- or __Secure- cookie"
					+ " must be Secure, which browsers drop otherwise, and SESSION_COOKIE_SECURE is "
					+ ((secureSetting != null) ? "false" : "unset, so false with PUBLIC_BASE_URL's plain http")
					+ ": set SESSION_COOKIE_NAME without the prefix (or unset), or SESSION_COOKIE_SECURE=true");
		}
		if (secure && !bff.isSecureContext()) {
			throw new IllegalStateException("SESSION_COOKIE_SECURE=true, but PUBLIC_BASE_URL is plain http on a host"
					+ " other than localhost, where browsers drop Secure cookies and every login fails:"
					+ " set PUBLIC_BASE_URL to https, or unset SESSION_COOKIE_SECURE");
		}
		if (!secure && bff.isHttps()) {
			throw new IllegalStateException("PUBLIC_BASE_URL is https, but SESSION_COOKIE_SECURE=false would let the"
					+ " session and login cookies travel over plain http too: unset SESSION_COOKIE_SECURE");
		}
		return new SessionCookie(name, secure);
	}

	private static boolean isBlank(@Nullable String setting) {
		return setting == null || setting.isBlank();
	}

	private static boolean startsWithIgnoringCase(String name, String prefix) {
		return name.regionMatches(true, 0, prefix, 0, prefix.length());
	}

}
