package dev.porter.devidp.management;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;

/**
 * Builds the user that {@code POST /api/v2/users} creates in the database connection,
 * with the attributes Auth0 fills in itself: {@code auth0|<24 hex>} id, identity,
 * timestamps, name, nickname and Gravatar picture.
 */
final class NewUserFactory {

	static final String DATABASE_CONNECTION = "Username-Password-Authentication";

	/** Instructions of the request, not attributes of the user. */
	private static final Set<String> NOT_STORED = Set.of("password", "connection", "verify_email", "user_id");

	private final SecureRandom random = new SecureRandom();

	private final JsonMapper mapper;

	private final InstantSource clock;

	NewUserFactory(JsonMapper mapper, InstantSource clock) {
		this.mapper = mapper;
		this.clock = clock;
	}

	/** The user a validated create payload describes. */
	ObjectNode create(ObjectNode body) {
		String connection = body.get("connection").asString();
		if (!DATABASE_CONNECTION.equals(connection)) {
			throw new ManagementApiException(HttpStatus.BAD_REQUEST, "The connection does not exist.",
					"inexistent_connection");
		}
		String localId = body.has("user_id") ? body.get("user_id").asString() : newId();
		String email = body.get("email").asString().toLowerCase(Locale.ROOT);
		String now = Timestamps.format(this.clock.instant());
		ObjectNode user = this.mapper.createObjectNode();
		user.put("user_id", "auth0|" + localId);
		user.put("email", email);
		user.put("email_verified", false);
		user.put("name", email);
		user.put("nickname", email.substring(0, email.indexOf('@')));
		user.put("picture", gravatar(email));
		user.put("created_at", now);
		user.put("updated_at", now);
		ObjectNode identity = user.putArray("identities").addObject();
		identity.put("connection", connection);
		identity.put("user_id", localId);
		identity.put("provider", "auth0");
		identity.put("isSocial", false);
		for (Map.Entry<String, JsonNode> attribute : body.properties()) {
			if (!NOT_STORED.contains(attribute.getKey()) && !"email".equals(attribute.getKey())
					&& !attribute.getValue().isNull()) {
				user.set(attribute.getKey(), attribute.getValue().deepCopy());
			}
		}
		return user;
	}

	private String newId() {
		byte[] bytes = new byte[12];
		this.random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	// Auth0's default picture for database users: Gravatar with a fallback avatar.
	private static String gravatar(String email) {
		try {
			byte[] hash = MessageDigest.getInstance("MD5").digest(email.getBytes(StandardCharsets.UTF_8));
			String initials = email.substring(0, Math.min(2, email.indexOf('@')));
			return "https://s.gravatar.com/avatar/" + HexFormat.of().formatHex(hash)
					+ "?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F" + initials + ".png";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("MD5 is a required JDK algorithm", ex);
		}
	}

}
