package dev.porter.gateway.devices;

import java.util.function.Function;

import dev.porter.gateway.session.LoginTokens;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

/**
 * Reads another session than the request's own, by id, from whichever store holds
 * sessions — without touching it (neither its last access nor its idle timeout): whether
 * it is still alive, and its refresh token. The only place that knows how tokens sit in a
 * stored session (see {@link #refreshToken}).
 */
@Component
class StoredSessions {

	private final ObjectProvider<ReactiveSessionRepository<? extends Session>> sharedSessions;

	private final ObjectProvider<InMemoryWebSessionStore> localSessions;

	StoredSessions(ObjectProvider<ReactiveSessionRepository<? extends Session>> sharedSessions,
			ObjectProvider<InMemoryWebSessionStore> localSessions) {
		this.sharedSessions = sharedSessions;
		this.localSessions = localSessions;
	}

	/** Whether the session exists and has not expired. */
	Mono<Boolean> isLive(String sessionId) {
		return attributes(sessionId).hasElement();
	}

	/**
	 * The session's stored refresh token; empty when the session or its token is gone.
	 */
	Mono<OAuth2RefreshToken> refreshToken(String sessionId) {
		return attributes(sessionId).mapNotNull((attributes) -> {
			if (attributes.apply(LoginTokens.ATTRIBUTE) instanceof LoginTokens tokens
					&& tokens.refreshToken() != null) {
				return new OAuth2RefreshToken(tokens.refreshToken(), null);
			}
			return null;
		});
	}

	/** A getter of the stored session's attributes; empty when it is gone. */
	private Mono<Function<String, @Nullable Object>> attributes(String sessionId) {
		ReactiveSessionRepository<? extends Session> shared = this.sharedSessions.getIfAvailable();
		if (shared != null) {
			// Spring Session's findById answers nothing for an expired session.
			return shared.findById(sessionId).map((session) -> session::getAttribute);
		}
		// The store's map, not retrieveSession(): that would count as a use of the
		// session and extend its idle timeout.
		WebSession session = this.localSessions.getObject().getSessions().get(sessionId);
		return Mono.justOrEmpty(session).filter((found) -> !found.isExpired()).map((found) -> found::getAttribute);
	}

}
