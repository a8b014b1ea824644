package dev.porter.devidp.oauth;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;

/**
 * Auth0's refresh token reuse detection: presenting a refresh token that was already
 * rotated away revokes the whole family, the newest token included, so the user must sign
 * in again. Exchanges run one at a time, so two concurrent refreshes with the same token
 * are told apart deterministically (the second one is a reuse), which is what a BFF's
 * single-flight refresh must prevent.
 *
 * @see <a href=
 * "https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation">Refresh
 * Token Rotation</a>
 */
final class RefreshTokenReuseDetection implements AuthenticationProvider {

	private static final int REMEMBERED = 10_000;

	private final OAuth2RefreshTokenAuthenticationProvider delegate;

	private final OAuth2AuthorizationService authorizations;

	/** Rotated-away refresh tokens and the authorization (family) each belonged to. */
	private final Map<String, String> rotatedAway = new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
			return size() > REMEMBERED;
		}

	};

	RefreshTokenReuseDetection(OAuth2RefreshTokenAuthenticationProvider delegate,
			OAuth2AuthorizationService authorizations) {
		this.delegate = delegate;
		this.authorizations = authorizations;
	}

	@Override
	public synchronized Authentication authenticate(Authentication authentication) {
		String presented = ((OAuth2RefreshTokenAuthenticationToken) authentication).getRefreshToken();
		String family = this.rotatedAway.get(presented);
		if (family != null) {
			revoke(family);
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_GRANT);
		}
		OAuth2Authorization before = this.authorizations.findByToken(presented, OAuth2TokenType.REFRESH_TOKEN);
		Authentication result = this.delegate.authenticate(authentication);
		if (before != null) {
			this.rotatedAway.put(presented, before.getId());
		}
		return result;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return this.delegate.supports(authentication);
	}

	private void revoke(String authorizationId) {
		OAuth2Authorization authorization = this.authorizations.findById(authorizationId);
		if (authorization == null) {
			return;
		}
		OAuth2Authorization.Token<OAuth2RefreshToken> current = authorization.getRefreshToken();
		if (current != null) {
			this.authorizations.save(OAuth2Authorization.from(authorization).invalidate(current.getToken()).build());
		}
	}

}
