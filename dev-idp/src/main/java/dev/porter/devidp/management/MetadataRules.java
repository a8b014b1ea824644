package dev.porter.devidp.management;

import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Auth0's restrictions on metadata: field names without {@code .} or {@code $} (at every
 * depth, as they are MongoDB's), and no reserved names at the top of
 * {@code app_metadata}.
 * <p>
 * [?] Auth0's current status for these is undocumented (a legacy page said 500); dev-idp
 * answers 400 {@code invalid_body}, as the contract recommends.
 *
 * @see <a href=
 * "https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data">Metadata
 * field names and data types</a>
 */
final class MetadataRules {

	static final Set<String> RESERVED_APP_METADATA_KEYS = Set.of("__tenant", "_id", "blocked", "clientID", "created_at",
			"email_verified", "email", "globalClientID", "global_client_id", "identities", "lastIP", "lastLogin",
			"loginsCount", "metadata", "multifactor_last_modified", "multifactor", "updated_at", "user_id");

	private MetadataRules() {
	}

	/**
	 * Checks {@code metadata}, the value of {@code property} in a payload, when present.
	 */
	static void check(String property, JsonNode metadata) {
		if (!metadata.isObject()) {
			return;
		}
		if ("app_metadata".equals(property)) {
			for (String key : metadata.propertyNames()) {
				if (RESERVED_APP_METADATA_KEYS.contains(key)) {
					throw ManagementApiException.invalidBody("Property name \"" + key + "\" is reserved", property);
				}
			}
		}
		checkNames(property, metadata);
	}

	private static void checkNames(String property, JsonNode node) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				String key = entry.getKey();
				if (key.contains(".") || key.contains("$")) {
					throw ManagementApiException
						.invalidBody("Property name \"" + key + "\" must not contain \".\" or \"$\"", property);
				}
				checkNames(property, entry.getValue());
			}
		}
		else if (node.isArray()) {
			for (JsonNode element : node) {
				checkNames(property, element);
			}
		}
	}

}
