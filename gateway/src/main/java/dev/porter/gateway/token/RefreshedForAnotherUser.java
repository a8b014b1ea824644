package dev.porter.gateway.token;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * The IdP answered a refresh with a verified ID token for another {@code sub} than the
 * login's: its tokens are another user's, and OIDC Core 12.2 says the {@code sub} MUST be
 * the same. A refusal as final as {@code invalid_grant}: the session ends, and the fresh
 * refresh token, which nobody may use, is revoked.
 *
 * @see <a href=
 * "https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse">OIDC Core
 * 12.2</a>
 */
final class RefreshedForAnotherUser extends RuntimeException {

	private final transient OAuth2AuthorizedClient fresh;

	RefreshedForAnotherUser(OAuth2AuthorizedClient fresh) {
		super("the renewed ID token names another sub than the login's", null, false, false);
		this.fresh = fresh;
	}

	/** What the IdP answered: to revoke, never to store or relay. */
	OAuth2AuthorizedClient fresh() {
		return this.fresh;
	}

}
