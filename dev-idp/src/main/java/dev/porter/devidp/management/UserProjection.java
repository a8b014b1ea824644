package dev.porter.devidp.management;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code fields} and {@code include_fields} query parameters of {@code GET
 * /api/v2/users/{id}}: the named fields are kept ({@code include_fields=true}, the
 * default) or removed ({@code false}); no {@code fields} means the whole user.
 *
 * @param fields the named fields, empty for all
 * @param include whether the fields are kept (or removed)
 */
record UserProjection(Set<String> fields, boolean include) {

	/** The user attributes a projection may name, as Auth0's query schema lists them. */
	static final List<String> KNOWN_FIELDS = List.of("app_metadata", "blocked", "created_at", "email", "email_verified",
			"family_name", "given_name", "identities", "last_ip", "last_login", "last_password_reset", "locale",
			"logins_count", "multifactor", "multifactor_last_modified", "name", "nickname", "phone_number",
			"phone_verified", "picture", "updated_at", "user_id", "user_metadata", "username");

	UserProjection {
		fields = Set.copyOf(fields);
	}

	static UserProjection parse(@Nullable String fields, @Nullable String includeFields) {
		// [?] Auth0 does not document the default of include_fields; true is what its
		// SDKs assume.
		boolean include = true;
		if (includeFields != null) {
			include = switch (includeFields.toLowerCase(Locale.ROOT)) {
				case "true" -> true;
				case "false" -> false;
				default -> throw ManagementApiException
					.invalidQueryString("Expected type boolean but found type string", "include_fields");
			};
		}
		Set<String> named = new LinkedHashSet<>();
		if (fields != null) {
			Arrays.stream(fields.split(",")).map(String::trim).filter((f) -> !f.isEmpty()).forEach(named::add);
		}
		for (String field : named) {
			if (!KNOWN_FIELDS.contains(field)) {
				throw ManagementApiException.invalidQueryString("String '" + fields
						+ "' does not match pattern. Must be a comma separated list of the following values: "
						+ String.join(",", KNOWN_FIELDS), "fields");
			}
		}
		return new UserProjection(named, include);
	}

	ObjectNode apply(ObjectNode user) {
		if (this.fields.isEmpty()) {
			return user;
		}
		if (this.include) {
			return user.retain(this.fields);
		}
		return user.without(this.fields);
	}

}
