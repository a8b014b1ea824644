package dev.porter.devidp.management;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who calls the Management API: the token's subject and its scopes.
 *
 * @param subject the {@code sub} claim ({@code client_id@clients} for client credentials)
 * @param scopes the granted scopes
 */
record Caller(String subject, Set<String> scopes) {

	static final String READ_USERS = "read:users";

	static final String READ_CURRENT_USER = "read:current_user";

	static final String READ_USER_IDP_TOKENS = "read:user_idp_tokens";

	static final String UPDATE_USERS = "update:users";

	static final String UPDATE_USERS_APP_METADATA = "update:users_app_metadata";

	static final String UPDATE_CURRENT_USER_METADATA = "update:current_user_metadata";

	static final String CREATE_USERS = "create:users";

	Caller {
		scopes = Set.copyOf(scopes);
	}

	static Caller of(Jwt jwt) {
		return new Caller(String.valueOf(jwt.getSubject()), scopesOf(jwt.getClaims().get("scope")));
	}

	boolean has(String scope) {
		return this.scopes.contains(scope);
	}

	/**
	 * Whether the caller gets the identities' IdP tokens ({@code access_token},
	 * {@code refresh_token}, {@code access_token_secret}). Auth0 returns them only with
	 * {@code read:user_idp_tokens}; dev-idp deliberately also returns them with
	 * {@code read:users}, the scope Porter's M2M client has, so that bob's Google token
	 * reaches the profile-service and its stripping can be tested end to end.
	 */
	boolean mayReadIdpTokens() {
		return has(READ_USER_IDP_TOKENS) || has(READ_USERS);
	}

	// Auth0 sends a space-separated string; Spring Authorization Server a JSON array.
	private static Set<String> scopesOf(Object claim) {
		if (claim instanceof String value) {
			return Arrays.stream(value.split(" ")).filter((s) -> !s.isEmpty()).collect(Collectors.toSet());
		}
		if (claim instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).collect(Collectors.toSet());
		}
		return Set.of();
	}

}
