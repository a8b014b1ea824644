package dev.porter.devidp.userinfo;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.porter.devidp.users.UserStore;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;

/**
 * A user's OIDC claims as the granted scopes allow them, read from the user store each
 * time so that {@code /userinfo} and new ID tokens show the latest profile (as Auth0's
 * do).
 *
 * @see <a href=
 * "https://auth0.com/docs/get-started/apis/scopes/openid-connect-scopes">OpenID Connect
 * Scopes</a>
 */
public final class UserClaims {

	private static final List<String> PROFILE = List.of(StandardClaimNames.NAME, StandardClaimNames.GIVEN_NAME,
			StandardClaimNames.FAMILY_NAME, StandardClaimNames.MIDDLE_NAME, StandardClaimNames.NICKNAME,
			StandardClaimNames.PREFERRED_USERNAME, StandardClaimNames.PROFILE, StandardClaimNames.PICTURE,
			StandardClaimNames.WEBSITE, StandardClaimNames.GENDER, StandardClaimNames.BIRTHDATE,
			StandardClaimNames.ZONEINFO, StandardClaimNames.LOCALE, StandardClaimNames.UPDATED_AT);

	private static final List<String> EMAIL = List.of(StandardClaimNames.EMAIL, StandardClaimNames.EMAIL_VERIFIED);

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final UserStore users;

	private final JsonMapper mapper;

	public UserClaims(UserStore users, JsonMapper mapper) {
		this.users = users;
		this.mapper = mapper;
	}

	/**
	 * The claims of that user for those scopes, always with {@code sub}; empty when the
	 * user no longer exists.
	 */
	public Optional<Map<String, Object>> forScopes(String userId, Collection<String> scopes) {
		return this.users.findById(userId).map((user) -> claims(userId, user, scopes));
	}

	private Map<String, Object> claims(String userId, ObjectNode user, Collection<String> scopes) {
		Map<String, Object> profile = this.mapper.convertValue(user, MAP);
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put(StandardClaimNames.SUB, userId);
		if (scopes.contains(OidcScopes.PROFILE)) {
			copy(profile, PROFILE, claims);
		}
		if (scopes.contains(OidcScopes.EMAIL)) {
			copy(profile, EMAIL, claims);
		}
		return claims;
	}

	private static void copy(Map<String, Object> from, List<String> names, Map<String, Object> to) {
		names.stream().filter((name) -> from.get(name) != null).forEach((name) -> to.put(name, from.get(name)));
	}

}
