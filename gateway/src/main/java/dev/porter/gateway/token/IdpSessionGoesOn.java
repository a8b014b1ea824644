package dev.porter.gateway.token;

import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Whether a login's IdP session goes on in another gateway session than the one that
 * ended: the browser signed in again through the IdP's single sign-on, and the new login
 * ended the session it replaced. Such a session's refresh token must not be revoked: at
 * Keycloak the revocation ends the client session the new login shares
 * ({@link IdpSession}). An IdP session the IdP logged out goes on nowhere, though the
 * back-channel logout may not have ended all of its sessions yet.
 */
@FunctionalInterface
interface IdpSessionGoesOn {

	/**
	 * Whether a live session other than {@code ended} is signed in within {@code login},
	 * which the IdP has not logged out.
	 */
	Mono<Boolean> elsewhere(SessionKey ended, IdpSession login);

	/**
	 * Asks the back-channel registry for the sessions of the login's {@code sid}, and the
	 * store who is signed in to each: a session gone, or of another user, does not count;
	 * then the registry whether the IdP logged the login out
	 * ({@link SessionRegistry#loggedOutAsFarAsKnown}): the logout that ended
	 * {@code ended} may not have ended the others yet. Without a {@code sid} no other
	 * session is known to share the IdP session.
	 */
	static IdpSessionGoesOn registered(SessionRegistry registry, StoredSessions stored) {
		return (ended, login) -> {
			String sid = login.sid();
			if (sid == null) {
				return Mono.just(false);
			}
			return registry.findBySid(sid)
				.flatMapMany(Flux::fromIterable)
				.filter((key) -> !key.equals(ended))
				.concatMap(stored::loginUser)
				.any((user) -> login.includes(user.sub(), user.sid()))
				.flatMap((signedIn) -> signedIn ? registry.loggedOutAsFarAsKnown(login).map((loggedOut) -> !loggedOut)
						: Mono.just(false));
		};
	}

}
