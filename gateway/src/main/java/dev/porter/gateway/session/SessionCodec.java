package dev.porter.gateway.session;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.porter.gateway.crypto.KeyRing;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A session as one value: compact JSON ({@code c} created, {@code a} last access, epoch
 * milliseconds; {@code i} idle timeout in seconds; {@code s} the attributes), sealed with
 * the {@link KeyRing} and bound to the session's {@link SessionKey} (associated data), so
 * a value copied under another key does not open. The key rather than the id, so that a
 * session found by its key (through the directory) can be read without its id; a key
 * binds the value as tightly, since no two ids share one. Attributes are strings,
 * numbers, booleans, or one of the records in {@link #TYPES}; nothing is Java-serialized,
 * and no JSON names the class to build (no polymorphic deserialization).
 * <p>
 * A session opens with the shorter of the idle timeout it was stored with and the
 * gateway's: lowered in a rolling restart ({@code SESSION_IDLE_TIMEOUT}, after an
 * incident), the new setting must end the sessions already stored that have been idle for
 * it, not only those written from then on; raised, it must bring back none that idled out
 * under the old one. Every reading of the stored sessions (by id, from the near cache, by
 * key for {@code /bff/sessions}) opens them here. A session found idled out only by the
 * lowered setting is then stored as idled out ({@link LoweredIdleTimeout}): were it left
 * as it was, an instance still on the old setting, or a roll-back to it, would sign it in
 * again.
 */
final class SessionCodec {

	/** The attributes that are records, by name. */
	static final Map<String, Class<?>> TYPES = Map.of(LoginUser.ATTRIBUTE, LoginUser.class, LoginTokens.ATTRIBUTE,
			LoginTokens.class);

	private static final Logger log = LoggerFactory.getLogger(SessionCodec.class);

	private final KeyRing keys;

	private final Duration idleTimeout;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder()
		.enable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		.disable(DateTimeFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
		.disable(DateTimeFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS)
		.build();

	/**
	 * @param idleTimeout the gateway's {@code SESSION_IDLE_TIMEOUT}: the longest idle
	 * timeout a session opens with
	 * @param clock what the sessions it opens tell their expiry by: the gateway's
	 */
	SessionCodec(KeyRing keys, Duration idleTimeout, Clock clock) {
		this.keys = keys;
		this.idleTimeout = idleTimeout;
		this.clock = clock;
	}

	byte[] encode(StoredSession session) {
		return encode(SessionKey.of(session.getId()), new Contents(session.getCreationTime(),
				session.getLastAccessedTime(), session.getMaxInactiveInterval(), session.attributes(), false));
	}

	/** The value to store {@code contents} as under {@code key}. */
	byte[] encode(SessionKey key, Contents contents) {
		ObjectNode root = this.json.createObjectNode();
		root.put("c", contents.creationTime().toEpochMilli());
		root.put("a", contents.lastAccessedTime().toEpochMilli());
		root.put("i", contents.maxInactiveInterval().toSeconds());
		ObjectNode attributes = root.putObject("s");
		contents.attributes().forEach((name, value) -> attributes.set(name, attribute(name, value)));
		return this.keys.seal(this.json.writeValueAsBytes(root), associatedData(key));
	}

	/**
	 * The session stored as {@code value} under {@code id}, or {@code null} (logged) when
	 * it cannot be read: its key left the ring, or it does not authenticate.
	 */
	@Nullable StoredSession decode(String id, byte[] value) {
		Contents contents = open(SessionKey.of(id), value);
		if (contents == null) {
			return null;
		}
		return new StoredSession(this.clock, id, contents.creationTime(), contents.lastAccessedTime(),
				contents.maxInactiveInterval(), contents.attributes())
			.read(value, contents.idleTimeoutLowered());
	}

	/**
	 * What the value stored under {@code key} holds, or {@code null} (logged) when it
	 * cannot be read; for reading a session whose id is unknown.
	 */
	@Nullable Contents open(SessionKey key, byte[] value) {
		byte[] plaintext = this.keys.open(value, associatedData(key));
		if (plaintext == null) {
			log.warn("stored session ignored: {}", this.keys.knowsKeyOf(value) ? "it does not authenticate"
					: "its key is not in SESSION_ENCRYPTION_KEYS");
			return null;
		}
		try {
			JsonNode root = this.json.readTree(plaintext);
			Map<String, Object> attributes = new LinkedHashMap<>();
			root.get("s")
				.properties()
				.forEach((entry) -> attributes.put(entry.getKey(), value(entry.getKey(), entry.getValue())));
			Duration stored = Duration.ofSeconds(root.get("i").asLong());
			Duration idleTimeout = idleTimeout(stored);
			return new Contents(Instant.ofEpochMilli(root.get("c").asLong()),
					Instant.ofEpochMilli(root.get("a").asLong()), idleTimeout, attributes, !idleTimeout.equals(stored));
		}
		catch (JacksonException | NullPointerException ex) {
			log.warn("stored session ignored: unreadable ({})", ex.getClass().getSimpleName());
			return null;
		}
	}

	/** The shorter of a session's stored idle timeout and the gateway's. */
	private Duration idleTimeout(Duration stored) {
		return (stored.isNegative() || stored.compareTo(this.idleTimeout) > 0) ? this.idleTimeout : stored;
	}

	private JsonNode attribute(String name, Object value) {
		Class<?> type = TYPES.get(name);
		boolean plain = value instanceof String || value instanceof Integer || value instanceof Long
				|| value instanceof Boolean;
		if (!plain && (type == null || !type.isInstance(value))) {
			throw new IllegalStateException("session attribute " + name + " of type " + value.getClass().getName()
					+ " cannot be stored: add its record to SessionCodec.TYPES");
		}
		return this.json.valueToTree(value);
	}

	private Object value(String name, JsonNode node) {
		Class<?> type = TYPES.get(name);
		Class<? extends Object> target = (type != null) ? type : Object.class;
		return this.json.treeToValue(node, target);
	}

	private static byte[] associatedData(SessionKey key) {
		return key.value().getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A stored session's contents: what its value holds besides its id.
	 *
	 * @param maxInactiveInterval the idle timeout it opens with: the shorter of the one
	 * stored and the gateway's
	 * @param idleTimeoutLowered whether the value holds a longer idle timeout than
	 * {@code maxInactiveInterval}: the gateway's was lowered since it was written
	 */
	record Contents(Instant creationTime, Instant lastAccessedTime, Duration maxInactiveInterval,
			Map<String, Object> attributes, boolean idleTimeoutLowered) {

		boolean isExpired(Instant now) {
			return StoredSession.isExpired(this.lastAccessedTime, this.maxInactiveInterval, now);
		}

	}

}
