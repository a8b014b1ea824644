package dev.porter.gateway.session;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * The stored sessions, addressed by {@link SessionKey}: for acting on a session other
 * than the request's own, found through the {@link SessionRegistry} (back-channel logout)
 * or the {@link SessionDirectory} ({@code /bff/sessions}), which know sessions by key
 * only. Reading never touches the session (neither its last access nor its idle timeout).
 * In memory by default; in Redis when sessions are shared.
 */
public interface StoredSessions {

	/** Whether the session exists, has not expired, and someone signed in to it. */
	Mono<Boolean> isLive(SessionKey key);

	/**
	 * The session's stored refresh token; empty when the session or its token is gone.
	 */
	Mono<OAuth2RefreshToken> refreshToken(SessionKey key);

	/**
	 * Who signed in to the session; empty when the session is gone or nobody signed in.
	 */
	Mono<LoginUser> loginUser(SessionKey key);

	/**
	 * Removes the session, so that its next request is anonymous, and answers the refresh
	 * token it held at that moment, for the caller to revoke: taken in the same step, so
	 * that a refresh storing a rotated token meanwhile cannot leave it in a removed
	 * session. Empty when the session is gone already or held no refresh token.
	 */
	Mono<OAuth2RefreshToken> end(SessionKey key);

	/**
	 * Ends a session the browser has just replaced with a new one (a login): signed out
	 * at once, like {@link #end}, except that a request of it still on its way must not
	 * expire the browser's session cookie, which now names the new session.
	 */
	Mono<OAuth2RefreshToken> endReplaced(SessionKey key);

}
