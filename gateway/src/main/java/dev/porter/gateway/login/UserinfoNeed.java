package dev.porter.gateway.login;

import dev.porter.gateway.session.LoginUser;

import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.util.StringUtils;

/**
 * Whether a login calls {@code /userinfo}: only when the ID token lacks one of the claims
 * the session keeps ({@link LoginUser#PROFILE_CLAIMS}). Auth0 puts the same profile and
 * email claims in the ID token as in {@code /userinfo}, for the same scopes and at the
 * same moment, so the call could add nothing the session keeps, while it spends one of
 * the user's 5 calls a minute that profile-service's {@code /me} needs. Okta and other
 * IdPs may issue thin ID tokens (only {@code sub} and the protocol claims); those logins
 * still ask {@code /userinfo}, so no IdP loses the claims it serves there.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims">OIDC
 * Core 5.4 Requesting Claims using Scope Values</a>
 */
final class UserinfoNeed {

	private UserinfoNeed() {
	}

	static boolean test(OidcUserRequest request) {
		// Spring's own condition stays: an IdP without the endpoint is never asked.
		String endpoint = request.getClientRegistration().getProviderDetails().getUserInfoEndpoint().getUri();
		return StringUtils.hasLength(endpoint)
				&& !request.getIdToken().getClaims().keySet().containsAll(LoginUser.PROFILE_CLAIMS);
	}

}
