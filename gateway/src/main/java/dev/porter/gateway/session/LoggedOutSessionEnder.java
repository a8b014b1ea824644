package dev.porter.gateway.session;

import java.util.Collection;

import reactor.core.publisher.Mono;

/**
 * Ends a session whose IdP session ended (a back-channel logout) like any session ended
 * from outside its own requests: removed from the store, forgotten by the registry and
 * the directory, its refresh token (whose only copy goes with it) revoked at the IdP.
 */
public interface LoggedOutSessionEnder {

	/**
	 * Ends the sessions of {@code keys}, a few at a time, each as
	 * {@link #endLoggedOut(SessionKey)}: one that fails does not stop the others, and the
	 * first failure is answered once all have run.
	 */
	Mono<Void> endLoggedOut(Collection<SessionKey> keys);

}
