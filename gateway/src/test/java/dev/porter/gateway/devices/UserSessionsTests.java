package dev.porter.gateway.devices;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.LoginUser;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link UserSessions}: entries whose session is gone are forgotten, but not one whose
 * login is still being answered. In Redis mode the callback records the entry before its
 * session is first saved (when the answer is written), so a list from another device at
 * that moment finds no session; forgetting the entry then would leave the new session out
 * of every later list, out of "sign out other devices" and out of the user's limit.
 */
class UserSessionsTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final MapDirectory directory = new MapDirectory();

	private final Set<SessionKey> saved = ConcurrentHashMap.newKeySet();

	private final UserSessions sessions = new UserSessions(this.directory, new SavedSessions(), this.clock);

	@Test
	void liveWhenEntryJustRecordedAndSessionNotSavedYetThenNotListedButKept() {
		SessionKey phone = record("phone");

		assertThat(this.sessions.live("auth0|alice").collectList().block()).isEmpty();
		this.saved.add(phone);

		assertThat(this.sessions.live("auth0|alice").map(DirectoryEntry::key).collectList().block())
			.containsExactly(phone);
	}

	@Test
	void liveWhenSessionGoneAndEntryOlderThanALoginTakesThenForgotten() {
		SessionKey phone = record("phone");
		this.clock.advance(UserSessions.SAVE_GRACE.plusMillis(1));

		assertThat(this.sessions.live("auth0|alice").collectList().block()).isEmpty();

		assertThat(this.directory.entries).doesNotContainKey(phone);
	}

	private SessionKey record(String sessionId) {
		SessionKey key = SessionKey.of(sessionId);
		Instant now = this.clock.instant();
		this.directory.record(new DirectoryEntry(key, null, "auth0|alice", now, now, null)).block();
		return key;
	}

	private static final class MapDirectory implements SessionDirectory {

		final Map<SessionKey, DirectoryEntry> entries = new ConcurrentHashMap<>();

		@Override
		public Mono<Void> record(DirectoryEntry entry) {
			return Mono.fromRunnable(() -> this.entries.put(entry.key(), entry));
		}

		@Override
		public Flux<DirectoryEntry> entriesOf(String sub) {
			return Flux.fromIterable(this.entries.values()).filter((entry) -> entry.sub().equals(sub));
		}

		@Override
		public Mono<Void> seen(SessionKey key, Instant at) {
			return Mono.empty();
		}

		@Override
		public Mono<Void> forget(SessionKey key, String sub) {
			return Mono.fromRunnable(() -> this.entries.remove(key));
		}

	}

	private final class SavedSessions implements StoredSessions {

		@Override
		public Mono<Boolean> isLive(SessionKey key) {
			return Mono.just(UserSessionsTests.this.saved.contains(key));
		}

		@Override
		public Mono<LoginUser> loginUser(SessionKey key) {
			return UserSessionsTests.this.saved.contains(key)
					? Mono.just(new LoginUser("auth0|alice", null, null, null, null, "id-token", null, null))
					: Mono.empty();
		}

		@Override
		public Mono<OAuth2RefreshToken> refreshToken(SessionKey key) {
			return Mono.empty();
		}

		@Override
		public Mono<OAuth2RefreshToken> end(SessionKey key) {
			return Mono.empty();
		}

		@Override
		public Mono<OAuth2RefreshToken> endReplaced(SessionKey key) {
			return Mono.empty();
		}

	}

}
