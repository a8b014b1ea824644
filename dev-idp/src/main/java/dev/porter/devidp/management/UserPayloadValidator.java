package dev.porter.devidp.management;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.porter.devidp.management.AttributeRule.Format;
import tools.jackson.databind.JsonNode;

/**
 * Checks Management API user payloads against Auth0's request schemas before anything is
 * stored: the attributes each operation accepts, their types and limits, and the metadata
 * rules.
 *
 * @see <a href="https://auth0.com/docs/api/management/v2/users/patch-users-by-id">Update
 * a User</a>
 */
final class UserPayloadValidator {

	/** {@code UpdateUserRequestContent}; {@code null} unsets the profile attributes. */
	private static final Map<String, AttributeRule> PATCH = Map.ofEntries(
			Map.entry("blocked", AttributeRule.bool(false)),
			Map.entry("email", AttributeRule.string(false, Format.EMAIL)),
			Map.entry("email_verified", AttributeRule.bool(false)),
			Map.entry("family_name", AttributeRule.string(true, 1, 150)),
			Map.entry("given_name", AttributeRule.string(true, 1, 150)),
			Map.entry("name", AttributeRule.string(true, 1, 300)),
			Map.entry("nickname", AttributeRule.string(true, 1, 300)),
			Map.entry("password", AttributeRule.string(false, 1, 512)),
			Map.entry("phone_number", AttributeRule.string(true, Format.PHONE)),
			Map.entry("phone_verified", AttributeRule.bool(false)),
			Map.entry("picture", AttributeRule.string(true, Format.URI)),
			Map.entry("username", AttributeRule.string(true, 1, 128)),
			Map.entry("user_metadata", AttributeRule.object()), Map.entry("app_metadata", AttributeRule.object()),
			Map.entry("verify_email", AttributeRule.bool(false)),
			Map.entry("verify_phone_number", AttributeRule.bool(false)),
			Map.entry("connection", AttributeRule.string(false, 1, 128)),
			Map.entry("client_id", AttributeRule.string(false, 1, 128)));

	/** {@code CreateUserRequestContent}, as far as dev-idp's database users need it. */
	private static final Map<String, AttributeRule> CREATE = create();

	private static final List<String> CREATE_REQUIRED = List.of("connection", "email", "password");

	void validatePatch(JsonNode body) {
		validate(body, PATCH);
		if (body.has("email") && body.has("password")) {
			throw ManagementApiException.badRequest("Cannot update password and email simultaneously");
		}
		if (body.has("email") && body.has("username")) {
			throw ManagementApiException.badRequest("Cannot update username and email simultaneously");
		}
	}

	void validateCreate(JsonNode body) {
		validate(body, CREATE);
		for (String property : CREATE_REQUIRED) {
			if (!body.has(property)) {
				throw ManagementApiException.invalidBody("Missing required property: " + property, null);
			}
		}
	}

	private static void validate(JsonNode body, Map<String, AttributeRule> rules) {
		if (!body.isObject()) {
			throw ManagementApiException
				.invalidBody("Expected type object but found type " + AttributeRule.typeName(body), null);
		}
		List<String> unknown = body.propertyNames().stream().filter((name) -> !rules.containsKey(name)).toList();
		if (!unknown.isEmpty()) {
			throw ManagementApiException.invalidBody("Additional properties not allowed: " + String.join(",", unknown),
					null);
		}
		for (Map.Entry<String, JsonNode> attribute : body.properties()) {
			rules.get(attribute.getKey()).check(attribute.getKey(), attribute.getValue());
		}
		for (String metadata : List.of("user_metadata", "app_metadata")) {
			if (body.has(metadata)) {
				MetadataRules.check(metadata, body.get(metadata));
			}
		}
	}

	private static Map<String, AttributeRule> create() {
		Map<String, AttributeRule> rules = new HashMap<>(PATCH);
		rules.remove("verify_phone_number");
		rules.remove("client_id");
		// Auth0 lets a creator choose the id, without the "auth0|" prefix.
		rules.put("user_id", AttributeRule.string(false, 1, 128));
		return Map.copyOf(rules);
	}

}
