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
	 * one) and its subject; without a subject, under the IdP session id alone.
	 */
	Mono<Void> register(SessionKey session, @Nullable String sid, @Nullable String sub);

	/** Forgets a session that ended through this gateway. */
	Mono<Void> unregister(SessionKey session, @Nullable String sid, String sub);

	/**
	 * The sessions of an IdP session; empty when none is known. Finding takes nothing
	 * away: each stays listed until it has ended ({@link #unregister}), so that a
	 * back-channel logout that fails before it ended them all leaves them for the IdP's
	 * retry, even when the failure was a timeout of a command the store carried out
	 * anyway.
	 */
	Mono<Set<SessionKey>> findBySid(String sid);

	/** Every session of a user, as {@link #findBySid}; empty when none is known. */
	Mono<Set<SessionKey>> findBySub(String sub);

}
