package dev.porter.gateway.session;

import reactor.core.publisher.Mono;

/**
 * Ends a session whose IdP session ended (a back-channel logout) like any session ended
 * from outside its own requests: removed from the store, forgotten by the registry and
 * the directory, its refresh token (whose only copy goes with it) revoked at the IdP.
 */
public interface LoggedOutSessionEnder {

	/**
	 * Ends the session of {@code key}; nothing happens when it is gone already. Fails
	 * only when the removal fails, and then the session stays in the registry.
	 */
	Mono<Void> endLoggedOut(SessionKey key);

}
