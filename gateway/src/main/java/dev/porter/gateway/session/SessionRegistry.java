package dev.porter.gateway.session;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Which gateway sessions belong to an IdP session ({@code sid}) or a user ({@code sub}),
 * so that a back-channel logout can end them ({@link StoredSessions#end}). Sessions are
 * known by their {@link SessionKey}, never their id. In memory by default; in Redis when
 * sessions are shared.
 */
public interface SessionRegistry {

	/**
	 * Records a freshly logged-in session under its IdP session id (if the ID token has
	 * one) and its subject; without a subject, under the IdP session id alone (sessions a
	 * back-channel logout naming only a {@code sid} took and must put back: they are
	 * still under their subject, since taking by {@code sid} leaves that).
	 */
	Mono<Void> register(SessionKey session, @Nullable String sid, @Nullable String sub);

	/** Forgets a session that ended through this gateway. */
	Mono<Void> unregister(SessionKey session, @Nullable String sid, String sub);

	/** Removes and returns the sessions of an IdP session; empty when none is known. */
	Mono<Set<SessionKey>> takeBySid(String sid);

	/** Removes and returns every session of a user; empty when none is known. */
	Mono<Set<SessionKey>> takeBySub(String sub);

}
