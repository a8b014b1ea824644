package dev.porter.devidp.login;

import java.util.List;

import dev.porter.devidp.users.UserStore;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Checks the login form against the user store. The authenticated principal is the Auth0
 * {@code user_id}, which the authorization server then uses as {@code sub}.
 */
final class UserStoreAuthenticationProvider implements AuthenticationProvider {

	private final UserStore users;

	UserStoreAuthenticationProvider(UserStore users) {
		this.users = users;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String username = authentication.getName();
		String password = String.valueOf(authentication.getCredentials());
		String userId = this.users.authenticate(username, password)
			.orElseThrow(() -> new BadCredentialsException("Wrong username or password."));
		// The password factor's time becomes the ID token's auth_time.
		return UsernamePasswordAuthenticationToken.authenticated(userId, null,
				List.of(new SimpleGrantedAuthority("ROLE_USER"),
						FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY)));
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
