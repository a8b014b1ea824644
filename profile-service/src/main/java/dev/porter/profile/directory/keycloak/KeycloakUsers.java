package dev.porter.profile.directory.keycloak;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.metadata.Violation;
import dev.porter.profile.problem.DirectoryLimitException;

/**
 * Maps a Keycloak {@code UserRepresentation} to the Auth0-shaped profile document and
 * {@code user_metadata} to user attributes: key {@code k} is the attribute
 * {@code {prefix}k} whose single value is the JSON text of {@code k}'s value.
 *
 * <p>
 * Fields: {@code id} → {@code user_id}, {@code username}, {@code email},
 * {@code emailVerified} → {@code email_verified}, {@code firstName} → {@code given_name},
 * {@code lastName} → {@code family_name}, {@code createdTimestamp} → {@code created_at}
 * (ISO-8601), {@code federatedIdentities} → {@code identities} (provider and connection:
 * the identity provider's alias; {@code isSocial} is not known). Attributes outside the
 * prefix are not shown.
 *
 * @see <a href=
 * "https://www.keycloak.org/docs-api/latest/rest-api/index.html#UserRepresentation">UserRepresentation</a>
 */
final class KeycloakUsers {

	/**
	 * Keycloak 26 refuses a longer attribute value ({@code error-invalid-length},
	 * 0–2048), counted in UTF-16 units.
	 */
	static final int MAX_VALUE_LENGTH = 2048;

	private static final String ATTRIBUTES = "attributes";

	/** What a {@code PUT} carries back: the user's profile, never account state. */
	private static final List<String> PUT_FIELDS = List.of("username", "email", "firstName", "lastName", ATTRIBUTES);

	private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	// in a fixed order, so that every instance caches the same document
	private static final Map<String, String> FIELDS = new LinkedHashMap<>();

	static {
		FIELDS.put("id", "user_id");
		FIELDS.put("username", "username");
		FIELDS.put("email", "email");
		FIELDS.put("emailVerified", "email_verified");
		FIELDS.put("firstName", "given_name");
		FIELDS.put("lastName", "family_name");
	}

	private final String prefix;

	private final JsonMapper mapper;

	KeycloakUsers(String prefix, JsonMapper mapper) {
		this.prefix = prefix;
		this.mapper = mapper;
	}

	DirectoryUser toDirectoryUser(ObjectNode representation) {
		ObjectNode user = JsonNodeFactory.instance.objectNode();
		FIELDS.forEach((from, to) -> {
			JsonNode value = representation.get(from);
			if (value != null && value.isValueNode() && !value.isNull()) {
				user.set(to, value);
			}
		});
		JsonNode created = representation.get("createdTimestamp");
		if (created != null && created.isIntegralNumber()) {
			user.put("created_at", ISO_MILLIS.format(Instant.ofEpochMilli(created.asLong())));
		}
		user.set("user_metadata", userMetadata(representation));
		JsonNode federated = representation.get("federatedIdentities");
		if (federated instanceof ArrayNode identities && !identities.isEmpty()) {
			user.set("identities", identities(identities));
		}
		return new DirectoryUser(user);
	}

	/**
	 * The representation to {@code PUT}: the user's profile fields and attributes as read
	 * ({@link #PUT_FIELDS}; a {@code PUT} with an {@code attributes} map replaces every
	 * attribute, and without {@code firstName}/{@code lastName}/{@code email} clears
	 * them), with the prefixed attributes changed as {@code patch} says and every other
	 * attribute kept. Nothing else: Keycloak sets whatever account state the body carries
	 * ({@code enabled}, {@code emailVerified}, {@code requiredActions}...), and a copy
	 * read a moment ago would undo an admin's change made meanwhile (re-enabling a
	 * disabled account, clearing a brute-force lockout); a field left out is left as it
	 * is.
	 * @throws DirectoryLimitException if a value is longer than Keycloak stores
	 */
	ObjectNode withMetadata(ObjectNode representation, MetadataPatch patch) {
		ObjectNode updated = JsonNodeFactory.instance.objectNode();
		for (String field : PUT_FIELDS) {
			JsonNode value = representation.get(field);
			if (value != null) {
				updated.set(field, value.deepCopy());
			}
		}
		ObjectNode attributes = (updated.get(ATTRIBUTES) instanceof ObjectNode existing) ? existing
				: updated.putObject(ATTRIBUTES);
		List<Violation> tooLong = new ArrayList<>();
		for (Map.Entry<String, JsonNode> member : patch.delta().properties()) {
			String name = this.prefix + member.getKey();
			if (member.getValue().isNull()) {
				attributes.remove(name);
				continue;
			}
			String text = this.mapper.writeValueAsString(member.getValue());
			if (text.length() > MAX_VALUE_LENGTH) {
				tooLong.add(new Violation(MetadataPatch.pointer("", member.getKey()), "Keycloak stores at most "
						+ MAX_VALUE_LENGTH + " characters of JSON per key; this value has " + text.length() + "."));
			}
			attributes.set(name, JsonNodeFactory.instance.arrayNode().add(text));
		}
		if (!tooLong.isEmpty()) {
			throw new DirectoryLimitException(tooLong);
		}
		return updated;
	}

	/** Whether a Keycloak attribute or field name is one of the user's metadata keys. */
	boolean isMetadata(String field) {
		return field.startsWith(this.prefix);
	}

	/**
	 * Keys {@code patch} sets that {@code stored} lacks: Keycloak answers 204 yet drops
	 * attributes the realm's user profile does not let an admin edit (unmanaged attribute
	 * policy other than {@code ENABLED}/{@code ADMIN_EDIT}).
	 */
	List<String> notStored(ObjectNode stored, MetadataPatch patch) {
		JsonNode attributes = stored.path(ATTRIBUTES);
		List<String> missing = new ArrayList<>();
		for (Map.Entry<String, JsonNode> member : patch.delta().properties()) {
			if (!member.getValue().isNull() && !attributes.has(this.prefix + member.getKey())) {
				missing.add(member.getKey());
			}
		}
		return missing;
	}

	private ObjectNode userMetadata(ObjectNode representation) {
		ObjectNode metadata = JsonNodeFactory.instance.objectNode();
		JsonNode attributes = representation.get(ATTRIBUTES);
		if (!(attributes instanceof ObjectNode map)) {
			return metadata;
		}
		for (Map.Entry<String, JsonNode> attribute : map.properties()) {
			String name = attribute.getKey();
			JsonNode values = attribute.getValue();
			if (name.length() > this.prefix.length() && name.startsWith(this.prefix) && values.isArray()
					&& !values.isEmpty()) {
				metadata.set(name.substring(this.prefix.length()), parse(values.get(0).asString("")));
			}
		}
		return metadata;
	}

	// An attribute an administrator typed in the console (dark, not "dark") is shown as
	// the string it is rather than hidden.
	private JsonNode parse(String text) {
		try {
			@Nullable JsonNode value = this.mapper.readTree(text);
			return (value != null && !value.isMissingNode()) ? value : JsonNodeFactory.instance.stringNode(text);
		}
		catch (JacksonException ex) {
			return JsonNodeFactory.instance.stringNode(text);
		}
	}

	private static ArrayNode identities(ArrayNode federated) {
		ArrayNode identities = JsonNodeFactory.instance.arrayNode();
		for (JsonNode link : federated) {
			String provider = link.path("identityProvider").asString("");
			ObjectNode identity = identities.addObject();
			identity.put("provider", provider);
			identity.put("connection", provider);
			identity.put("user_id", link.path("userId").asString(""));
		}
		return identities;
	}

}
