package dev.porter.gateway.session;

import reactor.core.publisher.Mono;

/**
 * How many sessions one user may hold at once ({@code SESSION_MAX_PER_USER}): without a
 * bound, one account scripting logins (single sign-on makes each a click) piles up
 * sessions that every list of theirs, and the store, must carry.
 */
public interface SessionLimit {

	/**
	 * Makes room for a session that has just signed in within {@code login} and been
	 * recorded: ends the user's least recently used other sessions past the limit, as
	 * signing out of those devices would (a session of the same IdP session keeps its
	 * refresh token unrevoked: {@link IdpSession}). Never ends {@code admitted}.
	 */
	Mono<Void> admit(IdpSession login, SessionKey admitted);

}
