package dev.porter.devidp.management;

import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies a validated PATCH body to a stored user with Auth0's rules: root attributes are
 * replaced ({@code null} unsets them); {@code user_metadata} and {@code app_metadata} are
 * merged one level deep ({@code null} deletes a key, any other value, objects included,
 * replaces the key's value whole, and {@code {}} empties the metadata);
 * {@code updated_at} advances.
 *
 * @see <a href=
 * "https://auth0.com/docs/manage-users/user-accounts/metadata/manage-metadata-api">Manage
 * metadata with the Management API</a>
 */
final class UserMerger {

	/** Accepted by PATCH but instructions rather than profile data: never stored. */
	private static final Set<String> NOT_STORED = Set.of("password", "connection", "client_id", "verify_email",
			"verify_phone_number");

	private static final Set<String> METADATA = Set.of("user_metadata", "app_metadata");

	private final InstantSource clock;

	UserMerger(InstantSource clock) {
		this.clock = clock;
	}

	ObjectNode apply(ObjectNode stored, ObjectNode patch) {
		if (patch.has("email") && !isDatabaseUser(stored)) {
			throw ManagementApiException.badRequest("Cannot update email for non-database user");
		}
		for (Map.Entry<String, JsonNode> attribute : patch.properties()) {
			String name = attribute.getKey();
			JsonNode value = attribute.getValue();
			if (NOT_STORED.contains(name)) {
				continue;
			}
			if (METADATA.contains(name)) {
				mergeMetadata(stored, name, value);
			}
			else if (value.isNull()) {
				stored.remove(name);
			}
			else if ("email".equals(name)) {
				changeEmail(stored, value.asString(), patch.has("email_verified"));
			}
			else {
				stored.set(name, value.deepCopy());
			}
		}
		stored.put("updated_at", Timestamps.after(stored.get("updated_at"), this.clock.instant()));
		return stored;
	}

	private static void mergeMetadata(ObjectNode stored, String name, JsonNode delta) {
		if (delta.isEmpty()) {
			// [?] Auth0 says {} "removes the metadata completely"; dev-idp keeps an empty
			// object rather than dropping the key, which reads the same to clients.
			stored.putObject(name);
			return;
		}
		JsonNode current = stored.get(name);
		ObjectNode target = (current instanceof ObjectNode object) ? object : stored.putObject(name);
		for (Map.Entry<String, JsonNode> entry : delta.properties()) {
			if (entry.getValue().isNull()) {
				target.remove(entry.getKey());
			}
			else {
				// [?] a null inside a replaced nested object is stored as given: Auth0
				// does
				// not document whether it strips it.
				target.set(entry.getKey(), entry.getValue().deepCopy());
			}
		}
	}

	// Auth0 lower-cases database emails and, unless told otherwise, marks a new one
	// unverified.
	private static void changeEmail(ObjectNode stored, String email, boolean verifiedGiven) {
		String normalized = email.toLowerCase(Locale.ROOT);
		if (!normalized.equals(stored.path("email").asString(""))) {
			stored.put("email", normalized);
			if (!verifiedGiven) {
				stored.put("email_verified", false);
			}
		}
	}

	private static boolean isDatabaseUser(ObjectNode user) {
		JsonNode identities = user.path("identities");
		return identities.isArray() && !identities.isEmpty()
				&& "auth0".equals(identities.get(0).path("provider").asString(""));
	}

}
