package dev.porter.gateway.devices;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.StoredSessions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * A user's sessions that are still signed in: the directory's entries whose session the
 * store still holds. The others (idled out, logged out, ended by the IdP) are forgotten
 * on the way.
 */
@Component
class UserSessions {

	private final SessionDirectory directory;

	private final StoredSessions stored;

	UserSessions(SessionDirectory directory, StoredSessions stored) {
		this.directory = directory;
		this.stored = stored;
	}

	Flux<DirectoryEntry> live(String sub) {
		return this.directory.entriesOf(sub)
			.filterWhen((entry) -> this.stored.isLive(entry.key())
				.flatMap((live) -> live ? Mono.just(true) : this.directory.forget(entry.key(), sub).thenReturn(false)));
	}

}
