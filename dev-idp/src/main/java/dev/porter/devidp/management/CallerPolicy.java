package dev.porter.devidp.management;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a caller may do beyond the per-operation scopes the filter chain checks: the
 * {@code *current_user*} scopes act only on the token's own user, and the metadata-only
 * update scopes touch only metadata.
 * <p>
 * [?] Auth0 implies but does not document which fields {@code update:users_app_metadata}
 * and {@code update:current_user_metadata} cover; dev-idp allows both metadata objects
 * for the first and {@code user_metadata} for the second.
 */
final class CallerPolicy {

	static final String NOT_SUBJECT = "User to be acted on does not match subject in bearer token.";

	private CallerPolicy() {
	}

	static void checkRead(Caller caller, String userId) {
		if (!caller.has(Caller.READ_USERS) && !caller.has(Caller.READ_USER_IDP_TOKENS)
				&& !caller.subject().equals(userId)) {
			throw ManagementApiException.forbidden(NOT_SUBJECT, null);
		}
	}

	static void checkUpdate(Caller caller, String userId, ObjectNode patch) {
		if (caller.has(Caller.UPDATE_USERS)) {
			return;
		}
		boolean self = caller.subject().equals(userId);
		Set<String> allowed = new HashSet<>();
		if (caller.has(Caller.UPDATE_USERS_APP_METADATA)) {
			allowed.addAll(Set.of("app_metadata", "user_metadata"));
		}
		else if (!self) {
			throw ManagementApiException.forbidden(NOT_SUBJECT, null);
		}
		if (caller.has(Caller.UPDATE_CURRENT_USER_METADATA) && self) {
			allowed.add("user_metadata");
		}
		List<String> refused = patch.propertyNames().stream().filter((name) -> !allowed.contains(name)).toList();
		if (!refused.isEmpty()) {
			throw ManagementApiException
				.forbidden("Some fields cannot be updated with the permissions granted by the bearer token scopes. "
						+ "The following fields require the update:users scope: " + String.join(", ", refused) + ".",
						"insufficient_scope");
		}
	}

	/**
	 * Removes the identities' IdP tokens unless the caller may read them (see
	 * {@link Caller#mayReadIdpTokens()}).
	 */
	static ObjectNode visibleTo(Caller caller, ObjectNode user) {
		if (caller.mayReadIdpTokens()) {
			return user;
		}
		for (JsonNode identity : user.path("identities")) {
			if (identity instanceof ObjectNode object) {
				object.remove(List.of("access_token", "refresh_token", "access_token_secret"));
			}
		}
		return user;
	}

}
