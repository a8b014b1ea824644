package dev.porter.gateway.session;

/**
 * Whether the session store can take one more session. The in-memory store is bounded by
 * {@code SESSION_MAX}; Redis is bounded by its own memory limit, and anonymous visitors
 * put nothing there, so it always has room as far as the gateway can tell.
 */
@FunctionalInterface
public interface SessionCapacity {

	boolean hasRoomForNewSession();

}
