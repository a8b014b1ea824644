package dev.porter.gateway.devices;

import java.time.Clock;
import java.time.Duration;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * A user's sessions that are still signed in: the directory's entries whose session the
 * store still holds. The others (idled out, logged out, ended by the IdP) are forgotten
 * on the way, in the directory and the back-channel registry, unless their login is a
 * moment old.
 */
@Component
class UserSessions {

	/**
	 * How long a login's entry is kept without its session: far longer than a callback
	 * takes to answer, far shorter than the directory keeps an entry.
	 */
	static final Duration SAVE_GRACE = Duration.ofMinutes(1);

	private final SessionDirectory directory;

	private final StoredSessions stored;

	private final SessionRegistry registry;

	private final Clock clock;

	@Autowired
	UserSessions(SessionDirectory directory, StoredSessions stored, SessionRegistry registry,
			ObjectProvider<Clock> clock) {
		this(directory, stored, registry, clock.getIfAvailable(Clock::systemUTC));
	}

	UserSessions(SessionDirectory directory, StoredSessions stored, SessionRegistry registry, Clock clock) {
		this.directory = directory;
		this.stored = stored;
		this.registry = registry;
		this.clock = clock;
	}

	/**
	 * The user's entries whose session lives and is hers by its sealed login: the
	 * directory itself is plain data, which a writer of Redis could file under another
	 * user (who would then list it, and end it with its refresh token).
	 */
	Flux<DirectoryEntry> live(String sub) {
		return this.directory.entriesOf(sub)
			.filterWhen((entry) -> this.stored.loginUser(entry.key())
				.map((owner) -> owner.sub().equals(sub))
				.switchIfEmpty(Mono.defer(() -> forgetUnlessRecent(entry).thenReturn(false))));
	}

	/**
	 * The login's callback records the entry before its new session is first saved (as
	 * the answer is written, in Redis): a list from another device at that moment finds
	 * no session. The entry is kept then, or the new session would be left out of every
	 * list, out of "sign out other devices", and out of the user's limit.
	 * <p>
	 * A session that idled out is forgotten in the back-channel registry too: nothing
	 * else unregisters it before a login of its user a whole absolute lifetime after its
	 * own, so a user who keeps signing in would keep a dead member per session idled out
	 * within the last lifetime there, each read and ended again by a back-channel logout.
	 * Registry first: should it fail, the entry is still there for the next list to try
	 * again.
	 */
	private Mono<Void> forgetUnlessRecent(DirectoryEntry entry) {
		boolean recent = entry.createdAt().plus(SAVE_GRACE).isAfter(this.clock.instant());
		return recent ? Mono.empty() : this.registry.unregister(entry.key(), entry.sid(), entry.sub())
			.then(this.directory.forget(entry.key(), entry.sub()));
	}

}
