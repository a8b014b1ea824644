package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Which gateway sessions belong to an IdP session ({@code sid}) or a user ({@code sub}),
 * so that a back-channel logout can end them ({@link StoredSessions#end}), and which of
 * them the IdP logged out a moment ago, so that a login still on its way when the logout
 * came ends too: the IdP got its answer and never sends the logout again. Sessions are
 * known by their {@link SessionKey}, never their id. In memory by default; in Redis when
 * sessions are shared.
 */
public interface SessionRegistry {

	/**
	 * How long a back-channel logout is remembered for the logins on their way when it
	 * came: far longer than a login's callback takes, which fails if it takes longer
	 * (login.LoginSuccessHandler).
	 */
	Duration LOGOUT_MEMORY = Duration.ofMinutes(10);

	/**
	 * Records a freshly logged-in session under its IdP session id (if the ID token has
	 * one) and its subject; without a subject, under the IdP session id alone. Answers
	 * whether the IdP logged the login out already: whether a logout of its {@code sid},
	 * or of its {@code sub} (a logout token without {@code sid}), issued no earlier than
	 * {@code issuedAt} (when the login's callback began, on the IdP's clock), was
	 * recorded ({@link #loggedOutSid}, {@link #loggedOutSub}) within
	 * {@link #LOGOUT_MEMORY}. The recording and the answer are one step, as the logout's
	 * are: of a login and a logout of its IdP session, at least one sees the other.
	 */
	Mono<Boolean> register(SessionKey session, @Nullable String sid, @Nullable String sub, Instant issuedAt);

	/**
	 * Whether the IdP logged {@code session} out: a logout of its {@code sid}, or of its
	 * {@code sub}, issued no earlier than {@link IdpSession#since}, recorded within
	 * {@link #LOGOUT_MEMORY}; what {@link #register} answers, without registering. Such
	 * an IdP session goes on in none of its gateway sessions, whether or not the logout
	 * has ended them yet: it records the logout first, then ends them.
	 */
	Mono<Boolean> loggedOut(IdpSession session);

	/**
	 * {@link #loggedOut}, or {@code false} when the registry cannot answer (a store
	 * timeout, a failover): the question decides whether a session ending while another
	 * of its IdP session goes on revokes its refresh token, and a revocation in doubt
	 * would sign the other out at Keycloak, while a token left unrevoked in doubt is held
	 * by nobody and expires.
	 */
	default Mono<Boolean> loggedOutAsFarAsKnown(IdpSession session) {
		return loggedOut(session).onErrorReturn(false);
	}

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

	/**
	 * The sessions of an IdP session that registered no later than {@code registeredBy},
	 * as {@link #findBySid} finds them: for a back-channel logout the store could not
	 * record (Redis full), whose token may then be a replay that must not end a login
	 * made since.
	 */
	Mono<Set<SessionKey>> findBySid(String sid, Instant registeredBy);

	/**
	 * The sessions of a user that registered no later than {@code registeredBy}, as
	 * {@link #findBySid(String, Instant)}.
	 */
	Mono<Set<SessionKey>> findBySub(String sub, Instant registeredBy);

	/**
	 * Records that the IdP logged out {@code sid} by a logout token issued at
	 * {@code issuedAt}, for the logins still on their way ({@link #register}), and
	 * answers its sessions as {@link #findBySid} does, in the same step.
	 */
	Mono<Set<SessionKey>> loggedOutSid(String sid, Instant issuedAt);

	/**
	 * Records that the IdP logged out every session of {@code sub} by a logout token
	 * issued at {@code issuedAt}, as {@link #loggedOutSid} does for one IdP session.
	 */
	Mono<Set<SessionKey>> loggedOutSub(String sub, Instant issuedAt);

}
