package dev.porter.gateway.token;

import java.util.Map;

import dev.porter.gateway.login.DiscoveredClientRegistrationRepository;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * The tokens of the request's session, kept by
 * {@link WebSessionServerOAuth2AuthorizedClientRepository}. With sessions in Redis each
 * request holds its own copy of the session, so {@link #reload} reads the stored one
 * (another instance may have refreshed meanwhile) and {@link #save} writes through at
 * once rather than at the end of the request.
 */
@Component
class SessionTokens {

	/**
	 * Where {@link WebSessionServerOAuth2AuthorizedClientRepository} keeps the clients in
	 * the session.
	 */
	static final String ATTRIBUTE = WebSessionServerOAuth2AuthorizedClientRepository.class.getName()
			+ ".AUTHORIZED_CLIENTS";

	private final ServerOAuth2AuthorizedClientRepository repository;

	private final ObjectProvider<ReactiveSessionRepository<? extends Session>> sharedSessions;

	SessionTokens(ServerOAuth2AuthorizedClientRepository repository,
			ObjectProvider<ReactiveSessionRepository<? extends Session>> sharedSessions) {
		this.repository = repository;
		this.sharedSessions = sharedSessions;
	}

	Mono<OAuth2AuthorizedClient> load(ServerWebExchange exchange, Authentication authentication) {
		return this.repository.loadAuthorizedClient(DiscoveredClientRegistrationRepository.REGISTRATION_ID,
				authentication, exchange);
	}

	/**
	 * The session's tokens as stored now; empty when the session or its tokens are gone.
	 */
	Mono<OAuth2AuthorizedClient> reload(ServerWebExchange exchange, Authentication authentication) {
		ReactiveSessionRepository<? extends Session> shared = this.sharedSessions.getIfAvailable();
		if (shared == null) {
			// In memory every request of a session shares one WebSession object: it is
			// always current.
			return load(exchange, authentication);
		}
		return exchange.getSession()
			.flatMap((session) -> shared.findById(session.getId()))
			.mapNotNull((stored) -> (stored.getAttribute(ATTRIBUTE) instanceof Map<?, ?> clients && clients
				.get(DiscoveredClientRegistrationRepository.REGISTRATION_ID) instanceof OAuth2AuthorizedClient client)
						? client : null);
	}

	Mono<Void> save(ServerWebExchange exchange, Authentication authentication, OAuth2AuthorizedClient client) {
		Mono<Void> saved = this.repository.saveAuthorizedClient(client, authentication, exchange);
		if (this.sharedSessions.getIfAvailable() == null) {
			return saved;
		}
		return saved.then(exchange.getSession().flatMap(WebSession::save));
	}

}
