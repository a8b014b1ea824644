package dev.porter.profile.oidc;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * Who a caller is: the access token claim that names the user as {@code /userinfo}'s
 * {@code sub} does ({@link OidcProperties#userClaim()}); caches, limits and the directory
 * are keyed by it. Every token reaching a controller has it: {@link LazyJwtDecoder}
 * refuses one without.
 */
@Component
public final class Callers {

	private final String claim;

	public Callers(OidcProperties properties) {
		this.claim = properties.userClaim();
	}

	public String id(Jwt jwt) {
		return jwt.getClaimAsString(this.claim);
	}

}
