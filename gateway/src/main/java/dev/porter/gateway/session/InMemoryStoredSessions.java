package dev.porter.gateway.session;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.server.WebSession;

/**
 * The sessions of the in-memory store, found by key through its index
 * ({@link KeyedInMemoryWebSessionStore}).
 */
class InMemoryStoredSessions implements StoredSessions {

	private final KeyedInMemoryWebSessionStore store;

	InMemoryStoredSessions(KeyedInMemoryWebSessionStore store) {
		this.store = store;
	}

	@Override
	public Mono<Boolean> isLive(SessionKey key) {
		return live(key).hasElement();
	}

	@Override
	public Mono<LoginUser> loginUser(SessionKey key) {
		return live(key).mapNotNull(LoginUser::in);
	}

	@Override
	public Mono<OAuth2RefreshToken> refreshToken(SessionKey key) {
		return live(key).mapNotNull((session) -> refreshTokenOf(LoginTokens.in(session)));
	}

	/**
	 * Invalidates the session, which also removes it from the store. Removing it alone is
	 * not enough: the store holds the very object each of its requests holds, and one
	 * still on its way saves it back under its id when it answers (a back-channel logout
	 * or a "sign out other devices" undone by the request a thief keeps open). An
	 * invalidated session is never saved again, and that request's answer expires its
	 * cookie.
	 */
	@Override
	public Mono<OAuth2RefreshToken> end(SessionKey key) {
		return find(key).flatMap((session) -> {
			LoginTokens taken = InMemorySessionTokens.takeOut(session);
			return session.invalidate().then(Mono.justOrEmpty(refreshTokenOf(taken)));
		});
	}

	/**
	 * Empties the session and removes it, without invalidating it: an invalidated
	 * session's request answers with its cookie expired, which would take the browser's
	 * new session away. A request still on its way may save the emptied session back: it
	 * signs nobody in, and goes at its idle timeout.
	 */
	@Override
	public Mono<OAuth2RefreshToken> endReplaced(SessionKey key) {
		return find(key).flatMap((session) -> {
			LoginTokens taken = InMemorySessionTokens.takeOut(session);
			session.getAttributes().clear();
			return this.store.removeSession(session.getId()).then(Mono.justOrEmpty(refreshTokenOf(taken)));
		});
	}

	private static @Nullable OAuth2RefreshToken refreshTokenOf(@Nullable LoginTokens tokens) {
		return (tokens != null && tokens.refreshToken() != null) ? new OAuth2RefreshToken(tokens.refreshToken(), null)
				: null;
	}

	/**
	 * The session, if it has not expired and holds a login. A session emptied when a new
	 * login replaced it ({@link #endReplaced}) can be saved back by a request of it still
	 * on its way: it is nobody's device.
	 */
	private Mono<WebSession> live(SessionKey key) {
		return find(key).filter(
				(session) -> !session.isExpired() && session.getAttribute(SessionAttributes.AUTHENTICATED_AT) != null);
	}

	/**
	 * The session of this key, expired or not. From the store's index, not
	 * retrieveSession(): that would count as a use of the session and extend its idle
	 * timeout.
	 */
	private Mono<WebSession> find(SessionKey key) {
		return Mono.fromSupplier(() -> this.store.find(key));
	}

}
