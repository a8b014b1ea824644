package dev.porter.profile.metadata;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of {@code PATCH /me/metadata}: the {@code user_metadata} delta itself, checked
 * before anything goes upstream. Auth0 applies it with its top-level merge (see
 * {@link #applyTo}).
 *
 * <p>
 * The body's top-level names must not be Auth0 root attributes or the metadata objects
 * ({@code email}, {@code app_metadata}, ...): such a body is almost certainly an attempt
 * to change those, which this endpoint never does, so it is refused (400) rather than
 * stored as a confusingly named metadata key. Deleting a {@code user_metadata} key of
 * such a name, or one too long or with characters this endpoint refuses, is allowed:
 * another client may have stored it, and its owner must be able to remove it.
 *
 * <p>
 * The bytes must be UTF-8 ({@link Utf8Body}) holding one strict JSON object whose
 * numbers, strings and names survive storage and a JavaScript reader unchanged
 * ({@link StrictJsonReader}, {@link KeyRules}, {@link CodePoints}). A {@code null} is a
 * deletion only as a top-level value: inside an object it is refused, since what Auth0
 * does with it there is undocumented. Sent as {@code application/merge-patch+json}, the
 * body may not set an object value ({@link PatchMediaType#MERGE_PATCH}).
 *
 * @see <a href=
 * "https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data">Auth0
 * metadata field rules</a>
 * @see MetadataRefusedException
 */
public final class MetadataPatch {

	public static final int MAX_BODY_BYTES = 16 * 1024;

	public static final int MAX_METADATA_BYTES = 10 * 1024;

	static final int MAX_DEPTH = 5;

	static final Set<String> RESERVED = Set.of("user_metadata", "app_metadata", "user_id", "identities", "email",
			"email_verified", "verify_email", "username", "password", "phone_number", "phone_verified",
			"verify_phone_number", "name", "given_name", "family_name", "nickname", "picture", "blocked", "connection",
			"client_id", "created_at", "updated_at", "last_login", "logins_count", "last_ip", "multifactor");

	private final ObjectNode delta;

	private MetadataPatch(ObjectNode delta) {
		this.delta = delta;
	}

	private static final String OBJECT_NOT_MERGED = "Objects are replaced whole under this API (Auth0's merge), "
			+ "not merged key by key as application/merge-patch+json says: "
			+ "send the whole object as application/json to replace it.";

	/**
	 * Parses and checks a raw body; every rule broken is reported, each with its pointer
	 * ({@code ""} for the whole body). Nothing is sent anywhere before this returns.
	 * @param declaredCharset the {@code charset} parameter of the request's Content-Type,
	 * if any
	 * @param mediaType the media type the body was sent as
	 */
	public static MetadataPatch parse(byte[] body, @Nullable String declaredCharset, PatchMediaType mediaType) {
		if (body.length > MAX_BODY_BYTES) {
			throw new MetadataBodyTooLargeException(MAX_BODY_BYTES);
		}
		Violations violations = new Violations();
		ObjectNode object = StrictJsonReader.read(Utf8Body.decode(body, declaredCharset), violations, MAX_DEPTH);
		for (Map.Entry<String, JsonNode> member : object.properties()) {
			// deleting a key of that name from user_metadata is what the body says
			if (RESERVED.contains(member.getKey()) && !member.getValue().isNull()) {
				violations.add(pointer("", member.getKey()),
						"Reserved name: root attributes and app_metadata cannot be changed here.");
			}
			else if (mediaType == PatchMediaType.MERGE_PATCH && member.getValue().isObject()) {
				violations.add(pointer("", member.getKey()), OBJECT_NOT_MERGED);
			}
		}
		if (!violations.isEmpty()) {
			throw violations.refusal();
		}
		if (storedSize(withoutDeletions(object)) > MAX_METADATA_BYTES) {
			// whatever is stored now, the result holds at least these values: refused
			// before the directory is asked for the current metadata. (Only metadata
			// another client took past even that could take it without growing; its
			// owner still has every smaller change.)
			throw invalid("", "The values set would exceed " + MAX_METADATA_BYTES + " bytes of user_metadata.");
		}
		return new MetadataPatch(object);
	}

	/** A body given as text, sent as UTF-8 {@code application/json}. */
	public static MetadataPatch parse(String body) {
		return parse(body.getBytes(StandardCharsets.UTF_8), null, PatchMediaType.JSON);
	}

	/**
	 * Whether the delta is empty, which changes nothing by this endpoint's rules. It must
	 * never be sent: Auth0 takes {@code {"user_metadata": {}}} as "remove all of it".
	 */
	public boolean changesNothing() {
		return this.delta.isEmpty();
	}

	/** The delta to send as {@code {"user_metadata": delta}}; never empty. */
	public ObjectNode delta() {
		return this.delta.deepCopy();
	}

	/**
	 * What Auth0 will store: each top-level key replaces the old value whole and
	 * {@code null} deletes it; refused if that would exceed the 10 KiB budget, unless the
	 * change {@linkplain #growsNoKey grows no key} of {@code current}. Metadata already
	 * over it (other writers, or written before the limit) must take deletions and
	 * smaller values, or its owner could change nothing at all; but a deletion earns no
	 * credit towards a key set ({@link #growsNoKey} says why).
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
		if (mapper.writeValueAsBytes(result).length > MAX_METADATA_BYTES && !growsNoKey(current, mapper)) {
			int before = mapper.writeValueAsBytes(current).length;
			throw invalid("", "The resulting user_metadata would exceed " + MAX_METADATA_BYTES + " bytes"
					+ ((before > MAX_METADATA_BYTES) ? "; it holds " + before
							+ " now, and while it is past the limit only deleting keys or giving the keys it has "
							+ "values no larger is accepted." : "."));
		}
		return result;
	}

	/**
	 * Whether every key this change sets is one {@code current} holds, given a value no
	 * larger than the one it has (as {@code mapper} writes them); its deletions aside.
	 * Auth0 merges whatever it is sent, so changes each checked against {@code current}
	 * may all land: only such changes leave, merged in any number and order, metadata no
	 * larger than {@code current}. A deletion earns no credit towards a key set: a user's
	 * changes are checked one at a time only within an instance, and sent through two at
	 * once, "drop a, set b" and "drop a, set c" are each checked against the same
	 * metadata, each looks no larger, and merged they grow it by b and c, again and
	 * again.
	 */
	public boolean growsNoKey(ObjectNode current, JsonMapper mapper) {
		for (Map.Entry<String, JsonNode> member : this.delta.properties()) {
			if (member.getValue().isNull()) {
				continue;
			}
			JsonNode stored = current.get(member.getKey());
			if (stored == null
					|| mapper.writeValueAsBytes(member.getValue()).length > mapper.writeValueAsBytes(stored).length) {
				return false;
			}
		}
		return true;
	}

	/** Whether every key of the delta is set to {@code null}: the change only deletes. */
	public boolean deletesOnly() {
		return withoutDeletions(this.delta).isEmpty();
	}

	private static ObjectNode withoutDeletions(ObjectNode delta) {
		ObjectNode set = delta.objectNode();
		for (Map.Entry<String, JsonNode> member : delta.properties()) {
			if (!member.getValue().isNull()) {
				set.set(member.getKey(), member.getValue());
			}
		}
		return set;
	}

	private static int storedSize(ObjectNode metadata) {
		return StrictJsonReader.mapper().writeValueAsBytes(metadata).length;
	}

	/** RFC 6901: '~' and '/' inside a name are escaped. */
	public static String pointer(String parent, String name) {
		return parent + "/" + name.replace("~", "~0").replace("/", "~1");
	}

	private static MetadataRefusedException invalid(String pointer, String detail) {
		return new MetadataRefusedException(List.of(new Violation(pointer, detail)));
	}

}
