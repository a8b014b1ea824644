package dev.porter.gateway.session;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.porter.gateway.cookie.RequestCookies;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.session.CookieWebSessionIdResolver;

/**
 * The session cookie's resolver, which finds the session's id without decoding every
 * cookie of the request ({@link RequestCookies}); a {@code Cookie} header not in the
 * plain form is left to Spring's resolver and the server's decoder. None where a fresh
 * session is required ({@link FreshSession}), or none at all ({@link WithoutSession}).
 */
final class SessionIdCookies extends CookieWebSessionIdResolver {

	@Override
	public List<String> resolveSessionIds(ServerWebExchange exchange) {
		if (WithoutSession.isServed(exchange)) {
			return List.of();
		}
		List<String> ids = RequestCookies.plainValues(exchange, getCookieName());
		return FreshSession.unlessRequired(exchange, (ids != null) ? ids : super.resolveSessionIds(exchange));
	}

	/**
	 * Expires the cookie only when this request's session ended (a logout, its absolute
	 * lifetime; in memory also an ending from elsewhere while it ran, which with Redis
	 * the request's own copy does not learn of). Spring also expires the cookie of a
	 * session it did not find, and that answer can reach the browser after a login's: a
	 * request of the session the login replaced, sent just before the browser took the
	 * new cookie, would take the new session's cookie (same name) away and sign the user
	 * out again. A cookie that names no session signs nobody in, and the next login
	 * replaces it.
	 */
	@Override
	public void expireSession(ServerWebExchange exchange) {
		if (endedDuring(exchange)) {
			super.expireSession(exchange);
		}
	}

	/**
	 * Spring asks once it has the request's session at hand: the exchange's cached
	 * session answers at once. One that was found and ended is expired; one made because
	 * none was found is not.
	 */
	private static boolean endedDuring(ServerWebExchange exchange) {
		AtomicBoolean ended = new AtomicBoolean();
		exchange.getSession().subscribe((session) -> ended.set(session.isExpired()));
		return ended.get();
	}

}
