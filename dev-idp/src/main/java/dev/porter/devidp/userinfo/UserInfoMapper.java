package dev.porter.devidp.userinfo;

import java.util.function.Function;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;

/**
 * The {@code /userinfo} response: the stored user's current claims for the scopes the
 * access token was granted. A token for a user who has since been removed is refused.
 */
public final class UserInfoMapper implements Function<OidcUserInfoAuthenticationContext, OidcUserInfo> {

	private final UserClaims userClaims;

	public UserInfoMapper(UserClaims userClaims) {
		this.userClaims = userClaims;
	}

	@Override
	public OidcUserInfo apply(OidcUserInfoAuthenticationContext context) {
		return this.userClaims
			.forScopes(context.getAuthorization().getPrincipalName(), context.getAccessToken().getScopes())
			.map(OidcUserInfo::new)
			.orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_TOKEN));
	}

}
