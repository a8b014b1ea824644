package dev.porter.gateway.token;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.session.LoginTokens;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.web.server.ServerWebExchange;

/**
 * Keeps the session's tokens as a compact {@link LoginTokens} instead of Spring
 * Security's {@link OAuth2AuthorizedClient} (which drags the whole client registration
 * along), and rebuilds the client from it on load. Tokens live in the session they belong
 * to, not in a map shared by all sessions.
 */
class SessionAuthorizedClientRepository implements ServerOAuth2AuthorizedClientRepository {

	private final ReactiveClientRegistrationRepository registrations;

	SessionAuthorizedClientRepository(ReactiveClientRegistrationRepository registrations) {
		this.registrations = registrations;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String clientRegistrationId,
			@Nullable Authentication principal, ServerWebExchange exchange) {
		if (!DiscoveredClientRegistrationRepository.REGISTRATION_ID.equals(clientRegistrationId)) {
			return Mono.empty();
		}
		String principalName = (principal != null) ? principal.getName() : "anonymous";
		return exchange.getSession()
			.mapNotNull(LoginTokens::in)
			.flatMap((tokens) -> this.registrations.findByRegistrationId(clientRegistrationId)
				.map((registration) -> (T) tokens.toAuthorizedClient(registration, principalName)));
	}

	@Override
	public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, @Nullable Authentication principal,
			ServerWebExchange exchange) {
		OAuth2AuthorizedClient stated = UnstatedLifetimes.stated(authorizedClient);
		return exchange.getSession()
			.doOnNext((session) -> session.getAttributes().put(LoginTokens.ATTRIBUTE, LoginTokens.of(stated)))
			.then();
	}

	@Override
	public Mono<Void> removeAuthorizedClient(String clientRegistrationId, @Nullable Authentication principal,
			ServerWebExchange exchange) {
		return exchange.getSession()
			.doOnNext((session) -> session.getAttributes().remove(LoginTokens.ATTRIBUTE))
			.then();
	}

}
