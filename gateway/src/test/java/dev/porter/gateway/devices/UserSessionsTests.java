package dev.porter.gateway.devices;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.LoginUser;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.support.MovableClock;
import org.jspecify.annotations.Nullable;
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

	private final RecordingRegistry registry = new RecordingRegistry();

	private final UserSessions sessions = new UserSessions(this.directory, new SavedSessions(), this.registry,
			this.clock);

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
		assertThat(this.registry.unregistered).containsExactly(phone + " sid-phone auth0|alice");
	}

	@Test
	void liveWhenEntryJustRecordedAndSessionNotSavedYetThenStillRegistered() {
		record("phone");

		assertThat(this.sessions.live("auth0|alice").collectList().block()).isEmpty();

		assertThat(this.registry.unregistered).isEmpty();
	}

	private SessionKey record(String sessionId) {
		SessionKey key = SessionKey.of(sessionId);
		Instant now = this.clock.instant();
		this.directory.record(new DirectoryEntry(key, "sid-" + sessionId, "auth0|alice", now, now, null)).block();
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

	/** Records what is unregistered; nothing else is asked of it here. */
	private static final class RecordingRegistry implements SessionRegistry {

		final List<String> unregistered = new CopyOnWriteArrayList<>();

		@Override
		public Mono<Void> unregister(SessionKey session, @Nullable String sid, String sub) {
			return Mono.fromRunnable(() -> this.unregistered.add(session + " " + sid + " " + sub));
		}

		@Override
		public Mono<Boolean> register(SessionKey session, @Nullable String sid, @Nullable String sub,
				Instant issuedAt) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Boolean> loggedOut(IdpSession session) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Set<SessionKey>> findBySid(String sid) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Set<SessionKey>> findBySub(String sub) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Set<SessionKey>> findBySid(String sid, Instant registeredBy) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Set<SessionKey>> findBySub(String sub, Instant registeredBy) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Set<SessionKey>> loggedOutSid(String sid, Instant issuedAt) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Set<SessionKey>> loggedOutSub(String sub, Instant issuedAt) {
			return Mono.error(new UnsupportedOperationException());
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
