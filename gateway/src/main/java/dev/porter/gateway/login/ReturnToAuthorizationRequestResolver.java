package dev.porter.gateway.login;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Carries the {@code returnTo} that {@link BffLoginWebFilter} validated inside the
 * authorization request, so it travels with state and PKCE verifier in the login cookie
 * instead of in a server session.
 */
class ReturnToAuthorizationRequestResolver implements ServerOAuth2AuthorizationRequestResolver {

	private final ServerOAuth2AuthorizationRequestResolver delegate;

	ReturnToAuthorizationRequestResolver(ServerOAuth2AuthorizationRequestResolver delegate) {
		this.delegate = delegate;
	}

	@Override
	public Mono<OAuth2AuthorizationRequest> resolve(ServerWebExchange exchange) {
		return this.delegate.resolve(exchange).map((request) -> withReturnTo(request, exchange));
	}

	@Override
	public Mono<OAuth2AuthorizationRequest> resolve(ServerWebExchange exchange, String clientRegistrationId) {
		return this.delegate.resolve(exchange, clientRegistrationId).map((request) -> withReturnTo(request, exchange));
	}

	private static OAuth2AuthorizationRequest withReturnTo(OAuth2AuthorizationRequest request,
			ServerWebExchange exchange) {
		String returnTo = exchange.getAttribute(LoginSessionAttributes.RETURN_TO);
		if (returnTo == null) {
			return request;
		}
		return OAuth2AuthorizationRequest.from(request)
			.attributes((attributes) -> attributes.put(LoginSessionAttributes.RETURN_TO, returnTo))
			.build();
	}

}
