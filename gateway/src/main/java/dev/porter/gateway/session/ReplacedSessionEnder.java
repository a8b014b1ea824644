package dev.porter.gateway.session;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Ends the session a browser presented at a login that gave it a new one: signed out at
 * once ({@link StoredSessions#endReplaced}), and then like any session ended from outside
 * its own requests: forgotten by the registry and the directory, its refresh token (whose
 * only copy went with it) revoked, unless the new login goes on in its IdP session
 * ({@link IdpSession}).
 */
public interface ReplacedSessionEnder {

	/**
	 * Ends the session of {@code key}, replaced by a login within {@code replacedBy}
	 * ({@code null}: no IdP session known); nothing happens when it is gone already.
	 */
	Mono<Void> endReplaced(SessionKey key, @Nullable IdpSession replacedBy);

}
