package dev.porter.gateway.devices;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionLimit;
import dev.porter.gateway.session.SessionProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * At most {@code SESSION_MAX_PER_USER} sessions per user: a login past it ends the user's
 * least recently used sessions (the oldest login among equals) the way {@code DELETE
 * /bff/sessions/{id}} does, refresh token revoked (unless of the new login's IdP session,
 * which goes on: {@link IdpSession}). The device put aside longest is the one least
 * likely to be missed; the new login is never ended.
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
	public Mono<Void> admit(IdpSession login, SessionKey admitted) {
		return this.sessions.live(login.sub())
			.collectList()
			.flatMap((live) -> this.ender.endAll(Flux.fromIterable(toEnd(live, admitted, this.max)), login))
			.then();
	}

	/**
	 * Which of a user's {@code live} sessions a login ({@code admitted}) ends so that
	 * they fit {@code max}: the least recently used of those that began before it. Two
	 * logins of one user at once must not end each other (with a limit of one, each would
	 * have ended the other); the admitted one, if not listed yet, counts as the newest.
	 */
	static List<DirectoryEntry> toEnd(List<DirectoryEntry> live, SessionKey admitted, int max) {
		Instant admittedAt = live.stream()
			.filter((entry) -> entry.key().equals(admitted))
			.map(DirectoryEntry::createdAt)
			.findFirst()
			.orElse(Instant.MAX);
		List<DirectoryEntry> others = live.stream().filter((entry) -> !entry.key().equals(admitted)).toList();
		int excess = Math.max(0, others.size() + 1 - max);
		return others.stream()
			.filter((entry) -> !entry.createdAt().isAfter(admittedAt))
			.sorted(LEAST_RECENTLY_USED_FIRST)
			.limit(excess)
			.toList();
	}

}
