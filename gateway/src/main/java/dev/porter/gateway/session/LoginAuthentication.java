package dev.porter.gateway.session;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.user.OAuth2User;

/**
 * A session's login as Spring Security's authentication, built once from its
 * {@link LoginUser} and shared by the requests of that session. Shared, it must never
 * change: what Spring Security's token lets anyone change (details, the authenticated
 * flag) is refused here, and there are no credentials to erase (the tokens stay in the
 * session).
 */
public final class LoginAuthentication extends OAuth2AuthenticationToken {

	private static final long serialVersionUID = 1L;

	LoginAuthentication(OAuth2User principal, Collection<? extends GrantedAuthority> authorities,
			String registrationId) {
		super(principal, authorities, registrationId);
	}

	@Override
	public void setDetails(@Nullable Object details) {
		throw new UnsupportedOperationException("a session's login is shared by its requests and never changes");
	}

	@Override
	public void setAuthenticated(boolean authenticated) {
		if (!authenticated) {
			throw new UnsupportedOperationException("a session's login ends with the session, not by a flag");
		}
		super.setAuthenticated(true);
	}

	@Override
	public void eraseCredentials() {
		// None held: the access and refresh tokens live in the session, not here.
	}

}
