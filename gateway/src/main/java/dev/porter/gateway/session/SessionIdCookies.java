package dev.porter.gateway.session;

import java.util.List;

import dev.porter.gateway.cookie.RequestCookies;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.session.CookieWebSessionIdResolver;

/**
 * The session cookie's resolver, which finds the session's id without decoding every
 * cookie of the request ({@link RequestCookies}); a {@code Cookie} header not in the
 * plain form is left to Spring's resolver and the server's decoder. None where a fresh
 * session is required ({@link FreshSession}).
 */
final class SessionIdCookies extends CookieWebSessionIdResolver {

	@Override
	public List<String> resolveSessionIds(ServerWebExchange exchange) {
		List<String> ids = RequestCookies.plainValues(exchange, getCookieName());
		return FreshSession.unlessRequired(exchange, (ids != null) ? ids : super.resolveSessionIds(exchange));
	}

}
