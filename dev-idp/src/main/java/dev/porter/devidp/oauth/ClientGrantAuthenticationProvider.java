package dev.porter.devidp.oauth;

import java.util.LinkedHashSet;
import java.util.Set;

import dev.porter.devidp.seed.Seed;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;

/**
 * Auth0's client credentials grant: the request names an {@code audience}, the client
 * needs a client grant for it, and the token carries the grant's scopes (or the asked-for
 * subset). Anything else is refused with {@code access_denied}, answered as 403.
 *
 * @see <a href=
 * "https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow">Client
 * Credentials Flow</a>
 */
final class ClientGrantAuthenticationProvider implements AuthenticationProvider {

	static final String ACCESS_DENIED = "access_denied";

	private final OAuth2ClientCredentialsAuthenticationProvider delegate;

	private final Audiences audiences;

	ClientGrantAuthenticationProvider(OAuth2ClientCredentialsAuthenticationProvider delegate, Audiences audiences) {
		this.delegate = delegate;
		this.audiences = audiences;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		OAuth2ClientCredentialsAuthenticationToken request = (OAuth2ClientCredentialsAuthenticationToken) authentication;
		if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()
				|| client.getRegisteredClient() == null
				|| !client.getRegisteredClient()
					.getAuthorizationGrantTypes()
					.contains(AuthorizationGrantType.CLIENT_CREDENTIALS)) {
			// The delegate refuses these with the standard errors.
			return this.delegate.authenticate(request);
		}
		String clientId = client.getRegisteredClient().getClientId();
		if (!(request.getAdditionalParameters().get(Audiences.PARAMETER) instanceof String audience)) {
			throw accessDenied("No audience parameter was provided, and no default audience has been configured");
		}
		Seed.ClientGrant grant = this.audiences.grant(clientId, audience)
			.orElseThrow(() -> accessDenied("Client is not authorized to access \"" + audience
					+ "\". You need to create a \"client-grant\" associated to this API."));
		Set<String> scopes = new LinkedHashSet<>(grant.scope());
		if (!request.getScopes().isEmpty()) {
			Set<String> notGranted = new LinkedHashSet<>(request.getScopes());
			notGranted.removeAll(scopes);
			if (!notGranted.isEmpty()) {
				throw accessDenied("Client has not been granted scopes: " + String.join(", ", notGranted));
			}
			scopes = new LinkedHashSet<>(request.getScopes());
		}
		return this.delegate.authenticate(
				new OAuth2ClientCredentialsAuthenticationToken(client, scopes, request.getAdditionalParameters()));
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2ClientCredentialsAuthenticationToken.class.isAssignableFrom(authentication);
	}

	private static OAuth2AuthenticationException accessDenied(String description) {
		return new OAuth2AuthenticationException(new OAuth2Error(ACCESS_DENIED, description, null));
	}

}
