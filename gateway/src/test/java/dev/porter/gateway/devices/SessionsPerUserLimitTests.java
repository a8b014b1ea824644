package dev.porter.gateway.devices;

import java.time.Instant;
import java.util.List;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which sessions a login past {@code SESSION_MAX_PER_USER} ends. */
class SessionsPerUserLimitTests {

	private static final Instant T = Instant.parse("2026-12-05T12:00:00Z");

	@Test
	void toEndWhenPastTheLimitThenTheLeastRecentlyUsedOfTheOthers() {
		DirectoryEntry idle = entry("idle", T, T);
		DirectoryEntry busy = entry("busy", T.plusSeconds(1), T.plusSeconds(50));
		DirectoryEntry admitted = entry("new", T.plusSeconds(60), T.plusSeconds(60));

		assertThat(SessionsPerUserLimit.toEnd(List.of(busy, idle, admitted), admitted.key(), 2)).containsExactly(idle);
		assertThat(SessionsPerUserLimit.toEnd(List.of(busy, idle, admitted), admitted.key(), 3)).isEmpty();
	}

	// With a limit of one, two logins of one user at once each saw the other and ended
	// it: both devices signed out, both refresh tokens revoked.
	@Test
	void toEndWhenAnotherLoginBeganAfterThisOneThenItIsNotEnded() {
		DirectoryEntry first = entry("first", T, T);
		DirectoryEntry second = entry("second", T.plusMillis(5), T.plusMillis(5));
		List<DirectoryEntry> live = List.of(first, second);

		assertThat(SessionsPerUserLimit.toEnd(live, first.key(), 1)).isEmpty();
		assertThat(SessionsPerUserLimit.toEnd(live, second.key(), 1)).containsExactly(first);
	}

	@Test
	void toEndWhenTheAdmittedLoginIsNotListedYetThenItCountsAsTheNewest() {
		DirectoryEntry older = entry("older", T, T);

		assertThat(SessionsPerUserLimit.toEnd(List.of(older), SessionKey.of("unsaved"), 1)).containsExactly(older);
	}

	private static DirectoryEntry entry(String sessionId, Instant createdAt, Instant lastSeenAt) {
		return new DirectoryEntry(SessionKey.of(sessionId), null, "auth0|alice", createdAt, lastSeenAt, null);
	}

}
