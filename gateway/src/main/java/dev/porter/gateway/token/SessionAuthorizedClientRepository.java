package dev.porter.gateway.token;

import java.time.Clock;

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
 * to, not in a map shared by all sessions. The access token is dated on the gateway's
 * clock ({@link ClockDatedTokens}).
 */
class SessionAuthorizedClientRepository implements ServerOAuth2AuthorizedClientRepository {

	private final ReactiveClientRegistrationRepository registrations;

	private final Clock clock;

	SessionAuthorizedClientRepository(ReactiveClientRegistrationRepository registrations, Clock clock) {
		this.registrations = registrations;
		this.clock = clock;
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
		// Only the login saves here: a refresh stores through SessionTokens.
		OAuth2AuthorizedClient dated = ClockDatedTokens.dated(authorizedClient, this.clock);
		return exchange.getSession()
			.doOnNext((session) -> session.getAttributes().put(LoginTokens.ATTRIBUTE, LoginTokens.of(dated)))
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
