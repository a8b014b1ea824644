package dev.porter.gateway.session;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.web.server.WebSession;

/**
 * The tokens of an in-memory session, changed and taken out under one lock. Every request
 * of the session shares the store's one attributes map, and a refresh writes the tokens
 * the IdP rotated while an ending may be taking them out to revoke them: without the lock
 * the ending could take the old token, the refresh write the new one into the session on
 * its way out, and nobody revoke it. With it the ending takes either the refreshed
 * tokens, or the old ones and the refresh finds none and writes nothing (and revokes its
 * own).
 */
public final class InMemorySessionTokens {

	private InMemorySessionTokens() {
	}

	/**
	 * Runs {@code change} if the session still holds tokens, with no ending taking them
	 * meanwhile; answers whether it ran.
	 */
	public static boolean changeIfHeld(WebSession session, Runnable change) {
		Map<String, Object> attributes = session.getAttributes();
		synchronized (attributes) {
			if (LoginTokens.in(attributes) == null) {
				return false;
			}
			change.run();
			return true;
		}
	}

	/** Removes the session's tokens and answers them; {@code null} if it held none. */
	static @Nullable LoginTokens takeOut(WebSession session) {
		Map<String, Object> attributes = session.getAttributes();
		synchronized (attributes) {
			return (attributes.remove(LoginTokens.ATTRIBUTE) instanceof LoginTokens tokens) ? tokens : null;
		}
	}

}
