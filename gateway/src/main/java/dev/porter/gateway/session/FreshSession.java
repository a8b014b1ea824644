package dev.porter.gateway.session;

import java.util.List;

import org.springframework.web.server.ServerWebExchange;

/**
 * A request that starts from a new session whatever session cookie it carries: the login
 * callback's. Continuing the session the browser presented and changing its id (Spring
 * Security's defence against session fixation) is not enough in memory, where every
 * request of a session holds the one session object: a request still on its way on that
 * session (an attacker's, on the id they planted) answers with the new id. The ids the
 * cookie presented are kept, so that the login can end those sessions.
 */
public final class FreshSession {

	private static final String REQUIRED = FreshSession.class.getName() + ".REQUIRED";

	private static final String PRESENTED = FreshSession.class.getName() + ".PRESENTED";

	private FreshSession() {
	}

	/** From now on, {@code exchange} resolves no session id from its cookie. */
	public static void require(ServerWebExchange exchange) {
		exchange.getAttributes().put(REQUIRED, Boolean.TRUE);
	}

	/**
	 * The session ids the request's cookie presented and that were set aside; empty when
	 * none, or when the session was not resolved yet.
	 */
	@SuppressWarnings("unchecked")
	public static List<String> presented(ServerWebExchange exchange) {
		Object ids = exchange.getAttribute(PRESENTED);
		return (ids instanceof List<?> list) ? (List<String>) list : List.of();
	}

	/** {@code ids} as resolved, or none when a fresh session is required. */
	static List<String> unlessRequired(ServerWebExchange exchange, List<String> ids) {
		if (exchange.getAttribute(REQUIRED) == null) {
			return ids;
		}
		// The first only, as the session manager reads it: each one ended costs a look
		// through the in-memory store, and a request may carry many cookies.
		exchange.getAttributes().put(PRESENTED, ids.isEmpty() ? List.of() : List.of(ids.get(0)));
		return List.of();
	}

}
