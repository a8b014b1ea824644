package dev.porter.gateway.session;

import org.springframework.web.server.session.InMemoryWebSessionStore;

/**
 * Room in the in-memory store: below its limit, counting only live sessions. The store
 * sweeps expired sessions itself once a minute; when it looks full, sweep now, since a
 * session that expired since the last sweep is room.
 */
class InMemorySessionCapacity implements SessionCapacity {

	private final InMemoryWebSessionStore store;

	InMemorySessionCapacity(InMemoryWebSessionStore store) {
		this.store = store;
	}

	@Override
	public boolean hasRoomForNewSession() {
		if (this.store.getSessions().size() < this.store.getMaxSessions()) {
			return true;
		}
		this.store.removeExpiredSessions();
		return this.store.getSessions().size() < this.store.getMaxSessions();
	}

}
