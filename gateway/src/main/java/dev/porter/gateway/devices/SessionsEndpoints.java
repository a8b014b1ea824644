package dev.porter.gateway.devices;

import java.util.List;

/**
 * Where the signed-in user's own sessions are listed and ended
 * ({@code SessionsController}), for the security chain that guards them and the metrics
 * that name them.
 */
public final class SessionsEndpoints {

	/** The list of sessions, and where they are all ended but the current one. */
	public static final String PATH = "/bff/sessions";

	/** One session, by its handle. */
	public static final String ONE = PATH + "/{id}";

	/** Both endpoints' patterns, as their mappings name them. */
	public static final List<String> PATTERNS = List.of(PATH, ONE);

	private SessionsEndpoints() {
	}

}
