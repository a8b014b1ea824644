package dev.porter.profile.metadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.problem.InvalidMetadataException;
import dev.porter.profile.problem.InvalidMetadataException.Violation;
import dev.porter.profile.problem.PayloadTooLargeException;

/**
 * The body of {@code PATCH /me/metadata}: the {@code user_metadata} delta itself, checked
 * before anything goes upstream. Auth0 applies it with its top-level merge (see
 * {@link #applyTo}).
 *
 * <p>
 * The body's top-level names must not be Auth0 root attributes or the metadata objects
 * ({@code email}, {@code app_metadata}, ...): such a body is almost certainly an attempt
 * to change those, which this endpoint never does, so it is refused (400) rather than
 * stored as a confusingly named metadata key.
 *
 * @see <a href=
 * "https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data">Auth0
 * metadata field rules</a>
 */
public final class MetadataPatch {

	public static final int MAX_BODY_BYTES = 16 * 1024;

	public static final int MAX_METADATA_BYTES = 10 * 1024;

	static final int MAX_DEPTH = 5;

	static final int MAX_KEY_LENGTH = 100;

	static final Set<String> RESERVED = Set.of("user_metadata", "app_metadata", "user_id", "identities", "email",
			"email_verified", "verify_email", "username", "password", "phone_number", "phone_verified",
			"verify_phone_number", "name", "given_name", "family_name", "nickname", "picture", "blocked", "connection",
			"client_id", "created_at", "updated_at", "last_login", "logins_count", "last_ip", "multifactor");

	private final ObjectNode delta;

	private MetadataPatch(ObjectNode delta) {
		this.delta = delta;
	}

	/**
	 * Parses and checks a raw body; every rule broken is reported, each with its pointer.
	 */
	public static MetadataPatch parse(String body, JsonMapper mapper) {
		if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
			throw new PayloadTooLargeException(MAX_BODY_BYTES);
		}
		JsonNode root = read(body, mapper);
		if (!(root instanceof ObjectNode object)) {
			throw invalid("", "The body must be a JSON object of user_metadata keys.");
		}
		List<Violation> violations = new ArrayList<>();
		for (Map.Entry<String, JsonNode> member : object.properties()) {
			if (RESERVED.contains(member.getKey())) {
				violations.add(new Violation(pointer("", member.getKey()),
						"Reserved name: root attributes and app_metadata cannot be changed here."));
			}
		}
		checkContainer(object, "", 1, violations);
		if (!violations.isEmpty()) {
			throw new InvalidMetadataException(violations);
		}
		return new MetadataPatch(object);
	}

	/** The delta to send as {@code {"user_metadata": delta}}. */
	public ObjectNode delta() {
		return this.delta.deepCopy();
	}

	/**
	 * What Auth0 will store: each top-level key replaces the old value whole and
	 * {@code null} deletes it; refused if that would exceed Auth0's profile budget.
	 */
	public ObjectNode applyTo(ObjectNode current, JsonMapper mapper) {
		ObjectNode result = current.deepCopy();
		for (Map.Entry<String, JsonNode> member : this.delta.properties()) {
			if (member.getValue().isNull()) {
				result.remove(member.getKey());
			}
			else {
				result.set(member.getKey(), member.getValue());
			}
		}
		if (mapper.writeValueAsBytes(result).length > MAX_METADATA_BYTES) {
			throw invalid("", "The resulting user_metadata would exceed " + MAX_METADATA_BYTES + " bytes.");
		}
		return result;
	}

	private static JsonNode read(String body, JsonMapper mapper) {
		if (body.isBlank()) {
			throw invalid("", "The body must be a JSON object of user_metadata keys.");
		}
		try {
			return mapper.readTree(body);
		}
		catch (JacksonException ex) {
			// the parser's message quotes the body: not repeated
			throw invalid("", "The body is not valid JSON.");
		}
	}

	private static void checkContainer(JsonNode node, String at, int depth, List<Violation> violations) {
		if (depth > MAX_DEPTH) {
			violations.add(new Violation(at, "Nesting deeper than " + MAX_DEPTH + " levels."));
			return;
		}
		if (node instanceof ObjectNode object) {
			for (Map.Entry<String, JsonNode> member : object.properties()) {
				String path = pointer(at, member.getKey());
				checkKey(member.getKey(), path, violations);
				checkChild(member.getValue(), path, depth, violations);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				checkChild(node.get(i), at + "/" + i, depth, violations);
			}
		}
	}

	private static void checkChild(JsonNode child, String path, int depth, List<Violation> violations) {
		if (child.isContainer()) {
			checkContainer(child, path, depth + 1, violations);
		}
	}

	private static void checkKey(String key, String path, List<Violation> violations) {
		if (key.isEmpty()) {
			violations.add(new Violation(path, "Keys must not be empty."));
		}
		else if (key.length() > MAX_KEY_LENGTH) {
			violations.add(new Violation(path, "Keys must not be longer than " + MAX_KEY_LENGTH + " characters."));
		}
		else if (key.indexOf('.') >= 0 || key.indexOf('$') >= 0) {
			violations.add(new Violation(path, "Keys must not contain '.' or '$' (Auth0 refuses them)."));
		}
	}

	/** RFC 6901: '~' and '/' inside a name are escaped. */
	static String pointer(String parent, String name) {
		return parent + "/" + name.replace("~", "~0").replace("/", "~1");
	}

	private static InvalidMetadataException invalid(String pointer, String detail) {
		return new InvalidMetadataException(List.of(new Violation(pointer, detail)));
	}

}
