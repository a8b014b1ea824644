package dev.porter.devidp.oauth;

import java.util.function.Consumer;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;

/**
 * Refuses an {@code /authorize} request whose {@code audience} names no API, before the
 * login form is shown; the error goes back to the client's redirect URI as Auth0's does.
 * Runs after the standard validation, so the redirect URI is already known to be
 * registered.
 */
final class AudienceValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

	private final Audiences audiences;

	AudienceValidator(Audiences audiences) {
		this.audiences = audiences;
	}

	@Override
	public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
		OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
		Object audience = request.getAdditionalParameters().get(Audiences.PARAMETER);
		if (audience == null || (audience instanceof String identifier && this.audiences.api(identifier).isPresent())) {
			return;
		}
		String redirectUri = (request.getRedirectUri() != null) ? request.getRedirectUri()
				: context.getRegisteredClient().getRedirectUris().iterator().next();
		OAuth2AuthorizationCodeRequestAuthenticationToken withRedirect = new OAuth2AuthorizationCodeRequestAuthenticationToken(
				request.getAuthorizationUri(), request.getClientId(), (Authentication) request.getPrincipal(),
				redirectUri, request.getState(), request.getScopes(), request.getAdditionalParameters());
		throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(
				ClientGrantAuthenticationProvider.ACCESS_DENIED, "Service not found: " + audience, null), withRedirect);
	}

}
