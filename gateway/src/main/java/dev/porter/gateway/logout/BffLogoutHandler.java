package dev.porter.gateway.logout;

import dev.porter.gateway.login.DiscoveredClientRegistrationRepository;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * Ends the browser's session at {@code POST /bff/logout}: revokes the refresh token,
 * forgets the session in the back-channel registry and invalidates the session (with it
 * the tokens and the login). The redirect to the IdP is the success handler's job.
 */
class BffLogoutHandler implements ServerLogoutHandler {

	private final ServerOAuth2AuthorizedClientRepository authorizedClients;

	private final TokenRevoker revoker;

	private final SessionRegistry registry;

	BffLogoutHandler(ServerOAuth2AuthorizedClientRepository authorizedClients, TokenRevoker revoker,
			SessionRegistry registry) {
		this.authorizedClients = authorizedClients;
		this.revoker = revoker;
		this.registry = registry;
	}

	@Override
	public Mono<Void> logout(WebFilterExchange webFilterExchange, @Nullable Authentication authentication) {
		ServerWebExchange exchange = webFilterExchange.getExchange();
		Mono<Void> revoke = this.authorizedClients
			.<OAuth2AuthorizedClient>loadAuthorizedClient(DiscoveredClientRegistrationRepository.REGISTRATION_ID,
					authentication, exchange)
			.flatMap(this.revoker::revoke);
		return revoke.then(unregister(exchange, authentication))
			.then(exchange.getSession().flatMap((session) -> session.invalidate()));
	}

	private Mono<Void> unregister(ServerWebExchange exchange, @Nullable Authentication authentication) {
		if (authentication == null || !(authentication.getPrincipal() instanceof OidcUser user)) {
			return Mono.empty();
		}
		String sid = user.getIdToken().getClaimAsString("sid");
		return exchange.getSession()
			.flatMap((session) -> this.registry.unregister(session.getId(), sid, user.getSubject()));
	}

}
