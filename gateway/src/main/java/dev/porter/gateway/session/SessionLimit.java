package dev.porter.gateway.session;

import reactor.core.publisher.Mono;

/**
 * How many sessions one user may hold at once ({@code SESSION_MAX_PER_USER}): without a
 * bound, one account scripting logins (single sign-on makes each a click) piles up
 * sessions that every list of theirs, and the store, must carry.
 */
public interface SessionLimit {

	/**
	 * Makes room for a session that has just signed in and been recorded: ends the user's
	 * least recently used other sessions past the limit, as signing out of those devices
	 * would. Never ends {@code admitted}.
	 */
	Mono<Void> admit(String sub, SessionKey admitted);

}
