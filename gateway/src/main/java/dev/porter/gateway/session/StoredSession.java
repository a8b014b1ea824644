package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.session.Session;

/**
 * A session as {@link EncryptedRedisSessionRepository} keeps it: one value per session.
 * It remembers the value it was read from and what this request changed, so that saving
 * writes only when something changed and can re-apply its changes onto a value another
 * request or instance wrote meanwhile (a refresh's new tokens must never be overwritten
 * by a request that still holds the old ones).
 */
final class StoredSession implements Session {

	private static final Object REMOVED = new Object();

	/** The gateway's, for {@link #isExpired()}. */
	private final Clock clock;

	private String id;

	private final Instant creationTime;

	private Instant lastAccessedTime;

	private Duration maxInactiveInterval;

	private final Map<String, Object> attributes;

	/** This request's changes: a value, or {@link #REMOVED}. */
	private final Map<String, Object> changes = new ConcurrentHashMap<>();

	private boolean maxInactiveIntervalChanged;

	/** The id and value last read or written; {@code null} while never stored. */
	private @Nullable String storedId;

	private byte @Nullable [] storedValue;

	private Instant storedLastAccessedTime;

	/**
	 * Whether the value last read holds a longer idle timeout than this session's: the
	 * gateway's was lowered since it was written ({@link SessionCodec}).
	 */
	private boolean idleTimeoutLowered;

	StoredSession(Clock clock, String id, Instant creationTime, Instant lastAccessedTime, Duration maxInactiveInterval,
			Map<String, Object> attributes) {
		this.clock = clock;
		this.id = id;
		this.creationTime = creationTime;
		this.lastAccessedTime = lastAccessedTime;
		this.storedLastAccessedTime = lastAccessedTime;
		this.maxInactiveInterval = maxInactiveInterval;
		this.attributes = new ConcurrentHashMap<>(attributes);
	}

	static StoredSession create(Clock clock, Duration maxInactiveInterval) {
		Instant stored = clock.instant().truncatedTo(ChronoUnit.MILLIS);
		return new StoredSession(clock, newId(), stored, stored, maxInactiveInterval, Map.of());
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public String changeSessionId() {
		this.id = newId();
		return this.id;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T getAttribute(String name) {
		return (T) this.attributes.get(name);
	}

	@Override
	public Set<String> getAttributeNames() {
		return Set.copyOf(this.attributes.keySet());
	}

	@Override
	public void setAttribute(String name, @Nullable Object value) {
		if (value == null) {
			removeAttribute(name);
			return;
		}
		Object previous = this.attributes.put(name, value);
		if (!value.equals(previous)) {
			this.changes.put(name, value);
		}
	}

	@Override
	public void removeAttribute(String name) {
		if (this.attributes.remove(name) != null) {
			this.changes.put(name, REMOVED);
		}
	}

	@Override
	public Instant getCreationTime() {
		return this.creationTime;
	}

	@Override
	public void setLastAccessedTime(Instant lastAccessedTime) {
		// As precise as it is stored.
		this.lastAccessedTime = lastAccessedTime.truncatedTo(ChronoUnit.MILLIS);
	}

	@Override
	public Instant getLastAccessedTime() {
		return this.lastAccessedTime;
	}

	@Override
	public void setMaxInactiveInterval(Duration interval) {
		if (!interval.equals(this.maxInactiveInterval)) {
			this.maxInactiveInterval = interval;
			this.maxInactiveIntervalChanged = true;
		}
	}

	@Override
	public Duration getMaxInactiveInterval() {
		return this.maxInactiveInterval;
	}

	@Override
	public boolean isExpired() {
		return isExpired(this.clock.instant());
	}

	boolean isExpired(Instant now) {
		return isExpired(this.lastAccessedTime, this.maxInactiveInterval, now);
	}

	/** A negative interval never expires, as Spring Session has it. */
	static boolean isExpired(Instant lastAccessedTime, Duration maxInactiveInterval, Instant now) {
		return !maxInactiveInterval.isNegative() && !now.isBefore(lastAccessedTime.plus(maxInactiveInterval));
	}

	Map<String, Object> attributes() {
		return new HashMap<>(this.attributes);
	}

	/**
	 * A session of its own with this one's id, times and attributes, as last stored: for
	 * a session just read, what reading the same value again would give.
	 */
	StoredSession copy() {
		StoredSession copy = new StoredSession(this.clock, this.id, this.creationTime, this.lastAccessedTime,
				this.maxInactiveInterval, this.attributes);
		copy.storedId = this.storedId;
		copy.storedValue = this.storedValue;
		copy.storedLastAccessedTime = this.storedLastAccessedTime;
		copy.idleTimeoutLowered = this.idleTimeoutLowered;
		return copy;
	}

	/** Never stored, or stored under another id: the next save writes a new value. */
	boolean isNewOrRenamed() {
		return this.storedId == null || !this.storedId.equals(this.id);
	}

	@Nullable String storedId() {
		return this.storedId;
	}

	byte @Nullable [] storedValue() {
		return this.storedValue;
	}

	/**
	 * Whether saving has anything to write: a change, or a last access that moved on by
	 * at least {@code writeBackAfter} (the idle timeout counts from the last write).
	 */
	boolean needsWrite(Duration writeBackAfter) {
		return isNewOrRenamed() || !this.changes.isEmpty() || this.maxInactiveIntervalChanged
				|| !this.lastAccessedTime.isBefore(this.storedLastAccessedTime.plus(writeBackAfter));
	}

	/**
	 * Whether the last access is all a save could write: the session is stored under its
	 * id, and this request changed nothing in it.
	 */
	boolean onlyLastAccessToWrite() {
		return !isNewOrRenamed() && this.changes.isEmpty() && !this.maxInactiveIntervalChanged;
	}

	/** After a successful write of {@code value}. */
	void stored(byte[] value) {
		this.storedId = this.id;
		this.storedValue = value;
		this.storedLastAccessedTime = this.lastAccessedTime;
		this.changes.clear();
		this.maxInactiveIntervalChanged = false;
		this.idleTimeoutLowered = false;
	}

	/**
	 * After a read of {@code value} under this session's id.
	 * @param idleTimeoutLowered whether {@code value} holds a longer idle timeout than
	 * this session was given
	 */
	StoredSession read(byte[] value, boolean idleTimeoutLowered) {
		stored(value);
		this.idleTimeoutLowered = idleTimeoutLowered;
		return this;
	}

	/**
	 * Whether the value last read holds a longer idle timeout than this session's: past
	 * its own, the session idled out only by the gateway's lowered one.
	 */
	boolean isIdleTimeoutLowered() {
		return this.idleTimeoutLowered;
	}

	/**
	 * {@code current} (what the store holds now) with this request's changes and last
	 * access applied, to write instead of this session.
	 */
	StoredSession rebase(StoredSession current) {
		this.changes.forEach((name, value) -> {
			if (value == REMOVED) {
				current.attributes.remove(name);
			}
			else {
				current.attributes.put(name, value);
			}
		});
		current.changes.putAll(this.changes);
		if (this.maxInactiveIntervalChanged) {
			current.setMaxInactiveInterval(this.maxInactiveInterval);
		}
		if (this.lastAccessedTime.isAfter(current.lastAccessedTime)) {
			current.lastAccessedTime = this.lastAccessedTime;
		}
		return current;
	}

	/** Takes over what was written on this session's behalf ({@link #rebase}). */
	void adopt(StoredSession written) {
		this.attributes.clear();
		this.attributes.putAll(written.attributes);
		this.maxInactiveInterval = written.maxInactiveInterval;
		this.stored(Objects.requireNonNull(written.storedValue));
	}

	/** A session id is a bearer credential: 122 random bits from a strong source. */
	private static String newId() {
		return UUID.randomUUID().toString();
	}

}
