package dev.porter.gateway.config;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.session.SessionProperties;

import org.springframework.context.annotation.Configuration;

/**
 * Stops start-up when {@code SESSION_COOKIE_SECURE}, which the session and login cookies
 * take their {@code Secure} flag from, contradicts the scheme of {@code PUBLIC_BASE_URL},
 * where browsers meet those cookies.
 * <p>
 * A browser drops a {@code Secure} cookie that a plain-http origin sets, except on
 * loopback, which it treats as a secure context: every login would end in
 * {@code authorization_request_not_found}, with nothing pointing at the cause. Over
 * https, a cookie without {@code Secure} would also travel over plain http.
 */
@Configuration(proxyBeanMethods = false)
class SecureCookieCheck {

	SecureCookieCheck(BffProperties bff, SessionProperties session) {
		if (session.cookieSecure() && !bff.isSecureContext()) {
			throw new IllegalStateException("SESSION_COOKIE_SECURE=true, but PUBLIC_BASE_URL is plain http on a host"
					+ " other than localhost, where browsers drop Secure cookies and every login fails:"
					+ " set PUBLIC_BASE_URL to https, or SESSION_COOKIE_SECURE=false with a SESSION_COOKIE_NAME"
					+ " without __Host-");
		}
		if (!session.cookieSecure() && bff.isHttps()) {
			throw new IllegalStateException("PUBLIC_BASE_URL is https, but SESSION_COOKIE_SECURE=false would let the"
					+ " session and login cookies travel over plain http too: set SESSION_COOKIE_SECURE=true");
		}
	}

}
