package dev.porter.devidp.oauth;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens as Auth0 issues them: on a code exchange only when
 * {@code offline_access} was granted and the requested API (if any) allows offline
 * access, for public clients too (SPAs rotate theirs); on rotation a new token that keeps
 * the absolute expiry of the first ({@code DEV_IDP_REFRESH_TOKEN_TTL} from the login),
 * since rotating must not extend a session. Both are dated on dev-idp's clock.
 *
 * @see <a href=
 * "https://auth0.com/docs/secure/tokens/refresh-tokens/configure-refresh-token-expiration">Configure
 * Refresh Token Expiration</a>
 */
final class OfflineAccessRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {

	private final StringKeyGenerator values = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);

	private final Audiences audiences;

	private final InstantSource clock;

	OfflineAccessRefreshTokenGenerator(Audiences audiences, InstantSource clock) {
		this.audiences = audiences;
		this.clock = clock;
	}

	@Override
	public @Nullable OAuth2RefreshToken generate(OAuth2TokenContext context) {
		if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())) {
			return null;
		}
		Instant now = this.clock.instant();
		if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())) {
			return new OAuth2RefreshToken(this.values.generateKey(), now, currentExpiry(context.getAuthorization()));
		}
		if (!AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
				|| !offlineAccessAllowed(context)) {
			return null;
		}
		return new OAuth2RefreshToken(this.values.generateKey(), now,
				now.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive()));
	}

	private boolean offlineAccessAllowed(OAuth2TokenContext context) {
		if (!context.getAuthorizedScopes().contains(SeedClients.OFFLINE_ACCESS)) {
			return false;
		}
		String audience = Auth0TokenCustomizer.requestedAudience(context.getAuthorization());
		return audience == null || this.audiences.api(audience).map((api) -> api.allowOfflineAccess()).orElse(false);
	}

	private static @Nullable Instant currentExpiry(@Nullable OAuth2Authorization authorization) {
		OAuth2Authorization.Token<OAuth2RefreshToken> current = (authorization != null)
				? authorization.getRefreshToken() : null;
		return (current != null) ? current.getToken().getExpiresAt() : null;
	}

}
