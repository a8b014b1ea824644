package dev.porter.gateway.session;

import reactor.core.publisher.Mono;

/**
 * Ends a session past its absolute lifetime, at its next request, like any session ended
 * from outside its own requests: removed from the store, forgotten by the registry and
 * the directory, its refresh token (whose only copy goes with it) revoked at the IdP.
 */
public interface ExpiredSessionEnder {

	/**
	 * Ends the session of {@code key}; nothing happens when it is gone already. Fails
	 * only when the removal fails.
	 */
	Mono<Void> endExpired(SessionKey key);

}
