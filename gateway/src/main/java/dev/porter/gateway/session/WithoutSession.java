package dev.porter.gateway.session;

import org.springframework.web.server.ServerWebExchange;

/**
 * A request served without its session, whatever session cookie it carries: the SPA's
 * page and files, which need none. Reading the session cost each of them a look-up in the
 * store (with Redis a {@code GET}), and failed them with the store: while Redis could not
 * be reached, a browser that held a session cookie (which it keeps until it closes, the
 * session idled out or ended) got the store's {@code 503} problem as a page, even at
 * {@code /?login=unavailable}, where the gateway sends a "Sign in" it cannot start. Such
 * a request gets a new session, never started nor stored, and its cookie is left alone.
 */
public final class WithoutSession {

	private static final String SERVED = WithoutSession.class.getName();

	private WithoutSession() {
	}

	/** From now on, {@code exchange} resolves no session id from its cookie. */
	public static void serve(ServerWebExchange exchange) {
		exchange.getAttributes().put(SERVED, Boolean.TRUE);
	}

	static boolean isServed(ServerWebExchange exchange) {
		return exchange.getAttribute(SERVED) != null;
	}

}
