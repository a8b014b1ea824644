package dev.porter.gateway.session;

/**
 * A session change that did not land: other instances changed the session between each of
 * this write's reads and its compare-and-set. The session as stored is intact; the caller
 * may apply its change again.
 */
public class SessionWriteContended extends RuntimeException {

	SessionWriteContended(int attempts) {
		super("session changed concurrently " + attempts + " times in a row; change not stored");
	}

}
