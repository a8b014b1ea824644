package dev.porter.gateway.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;
import org.springframework.web.server.session.WebSessionStore;

/**
 * Ends a session by id from outside its own request (back-channel logout): removes it
 * from whichever store holds sessions — Boot's in-memory store or Spring Session's Redis
 * store, both behind a {@link DefaultWebSessionManager}.
 */
@Component
public class SessionTerminator {

	private static final Logger log = LoggerFactory.getLogger(SessionTerminator.class);

	private final ObjectProvider<WebSessionManager> sessionManager;

	SessionTerminator(ObjectProvider<WebSessionManager> sessionManager) {
		this.sessionManager = sessionManager;
	}

	public Mono<Void> end(String sessionId) {
		if (!(this.sessionManager.getObject() instanceof DefaultWebSessionManager manager)) {
			log.error("cannot end sessions: unexpected session manager {}", this.sessionManager.getObject().getClass());
			return Mono.error(new IllegalStateException("unsupported WebSessionManager"));
		}
		WebSessionStore store = manager.getSessionStore();
		return store.removeSession(sessionId);
	}

}
