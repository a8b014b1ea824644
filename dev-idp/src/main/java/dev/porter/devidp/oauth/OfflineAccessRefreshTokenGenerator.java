package dev.porter.devidp.oauth;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Issues a refresh token for a code exchange only when {@code offline_access} was granted
 * and the requested API (if any) allows offline access, as Auth0 does. Rotation on the
 * refresh grant itself is left to the delegate.
 *
 * @see <a href=
 * "https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens">Get Refresh
 * Tokens</a>
 */
final class OfflineAccessRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {

	private final OAuth2RefreshTokenGenerator delegate = new OAuth2RefreshTokenGenerator();

	private final Audiences audiences;

	OfflineAccessRefreshTokenGenerator(Audiences audiences) {
		this.audiences = audiences;
	}

	@Override
	public @Nullable OAuth2RefreshToken generate(OAuth2TokenContext context) {
		if (AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
				&& !offlineAccessAllowed(context)) {
			return null;
		}
		return this.delegate.generate(context);
	}

	private boolean offlineAccessAllowed(OAuth2TokenContext context) {
		if (!context.getAuthorizedScopes().contains(SeedClients.OFFLINE_ACCESS)) {
			return false;
		}
		String audience = Auth0TokenCustomizer.requestedAudience(context.getAuthorization());
		return audience == null || this.audiences.api(audience).map((api) -> api.allowOfflineAccess()).orElse(false);
	}

}
