package dev.porter.profile.me;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.directory.DirectoryProperties;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.userinfo.Userinfo;

import org.springframework.stereotype.Component;

/**
 * Builds the {@code GET /me} document: the {@code /userinfo} claims (namespaced custom
 * claims kept), overridden by the Management user's profile attributes; its
 * {@code user_metadata} whole; {@code app_metadata} reduced to the operator's allow-list;
 * {@code identities} without any identity-provider token. Nothing else of the Management
 * user is shown.
 */
@Component
class ProfileMerger {

	/** Root attributes of the Management user that belong in a profile. */
	static final List<String> PROFILE_ATTRIBUTES = List.of("name", "given_name", "family_name", "nickname", "picture",
			"email", "email_verified", "username", "phone_number", "phone_verified", "locale", "updated_at",
			"created_at", "last_login", "logins_count");

	static final List<String> IDENTITY_FIELDS = List.of("provider", "connection", "user_id", "isSocial");

	// Owned by the Management user; a (legacy) /userinfo copy may even carry IdP tokens.
	private static final List<String> DIRECTORY_OWNED = List.of("user_metadata", "app_metadata", "identities");

	private final Set<String> rootAttributes;

	private final Set<String> appMetadataAllowList;

	ProfileMerger(DirectoryProperties properties) {
		this.rootAttributes = new LinkedHashSet<>(PROFILE_ATTRIBUTES);
		this.rootAttributes.addAll(properties.rootAllowList());
		this.rootAttributes.removeAll(DIRECTORY_OWNED);
		this.appMetadataAllowList = Set.copyOf(properties.appMetadataAllowList());
	}

	ObjectNode merge(Userinfo userinfo, DirectoryUser user) {
		ObjectNode profile = userinfo.claims().deepCopy();
		profile.remove(DIRECTORY_OWNED);
		ObjectNode attributes = user.attributes();
		for (String name : this.rootAttributes) {
			JsonNode value = attributes.get(name);
			if (value != null) {
				profile.set(name, value.deepCopy());
			}
		}
		JsonNode userMetadata = attributes.get("user_metadata");
		if (userMetadata instanceof ObjectNode) {
			profile.set("user_metadata", userMetadata.deepCopy());
		}
		ObjectNode appMetadata = allowedAppMetadata(attributes.get("app_metadata"));
		if (appMetadata != null) {
			profile.set("app_metadata", appMetadata);
		}
		profile.set("identities", identities(attributes.get("identities")));
		return profile;
	}

	private @Nullable ObjectNode allowedAppMetadata(@Nullable JsonNode appMetadata) {
		if (!(appMetadata instanceof ObjectNode source) || this.appMetadataAllowList.isEmpty()) {
			return null;
		}
		ObjectNode allowed = JsonNodeFactory.instance.objectNode();
		for (String key : this.appMetadataAllowList) {
			JsonNode value = source.get(key);
			if (value != null) {
				allowed.set(key, value.deepCopy());
			}
		}
		return allowed.isEmpty() ? null : allowed;
	}

	private static ArrayNode identities(@Nullable JsonNode identities) {
		ArrayNode result = JsonNodeFactory.instance.arrayNode();
		if (identities == null || !identities.isArray()) {
			return result;
		}
		for (JsonNode identity : identities) {
			ObjectNode kept = JsonNodeFactory.instance.objectNode();
			for (String field : IDENTITY_FIELDS) {
				JsonNode value = identity.get(field);
				if (value != null && value.isValueNode()) {
					kept.set(field, value);
				}
			}
			result.add(kept);
		}
		return result;
	}

}
