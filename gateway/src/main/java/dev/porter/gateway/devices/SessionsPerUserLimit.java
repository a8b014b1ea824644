package dev.porter.gateway.devices;

import java.util.Comparator;
import java.util.List;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionLimit;
import dev.porter.gateway.session.SessionProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * At most {@code SESSION_MAX_PER_USER} sessions per user: a login past it ends the user's
 * least recently used sessions (the oldest login among equals) the way {@code DELETE
 * /bff/sessions/{id}} does, refresh token revoked. The device put aside longest is the
 * one least likely to be missed; the new login is never ended.
 */
@Component
class SessionsPerUserLimit implements SessionLimit {

	private static final Comparator<DirectoryEntry> LEAST_RECENTLY_USED_FIRST = Comparator
		.comparing(DirectoryEntry::lastSeenAt)
		.thenComparing(DirectoryEntry::createdAt);

	private final UserSessions sessions;

	private final SessionEnder ender;

	private final int max;

	SessionsPerUserLimit(UserSessions sessions, SessionEnder ender, SessionProperties properties) {
		this.sessions = sessions;
		this.ender = ender;
		this.max = properties.maxPerUser();
	}

	@Override
	public Mono<Void> admit(String sub, SessionKey admitted) {
		return this.sessions.live(sub)
			.filter((entry) -> !entry.key().equals(admitted))
			.sort(LEAST_RECENTLY_USED_FIRST)
			.collectList()
			.flatMap((others) -> this.ender.endAll(Flux.fromIterable(pastLimit(others))))
			.then();
	}

	/** The first of {@code others} to end, so that they and the new one fit the limit. */
	private List<DirectoryEntry> pastLimit(List<DirectoryEntry> others) {
		int excess = others.size() + 1 - this.max;
		return (excess > 0) ? others.subList(0, excess) : List.of();
	}

}
