package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.server.WebSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InMemoryStoredSessions}: Boot's in-memory store, which knows sessions by id,
 * read and ended by key, without counting as a use of the session.
 */
class InMemoryStoredSessionsTests {

	private static final Duration IDLE = Duration.ofMinutes(30);

	private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final KeyedInMemoryWebSessionStore store = store();

	private final InMemoryStoredSessions stored = new InMemoryStoredSessions(this.store);

	@Test
	void refreshTokenWhenSessionAmongOthersThenFoundByItsKey() {
		signedIn("rt-other");
		WebSession session = signedIn("rt-secret-1");

		SessionKey key = SessionKey.of(session.getId());

		assertThat(this.stored.isLive(key).block()).isTrue();
		assertThat(this.stored.refreshToken(key).map(OAuth2RefreshToken::getTokenValue).block())
			.isEqualTo("rt-secret-1");
	}

	@Test
	void endThenGoneFromTheStoreAndTheOthersKept() {
		WebSession other = signedIn("rt-other");
		WebSession session = signedIn("rt-secret-1");

		assertThat(this.stored.end(SessionKey.of(session.getId())).map(OAuth2RefreshToken::getTokenValue).block())
			.isEqualTo("rt-secret-1");

		assertThat(this.store.retrieveSession(session.getId()).blockOptional()).isEmpty();
		assertThat(this.store.retrieveSession(other.getId()).blockOptional()).isPresent();
	}

	@Test
	void isLiveWhenIdleTimeoutPassedThenNot() {
		SessionKey key = SessionKey.of(signedIn("rt-secret-1").getId());

		this.clock.advance(IDLE.plusMillis(1));

		assertThat(this.stored.isLive(key).block()).isFalse();
		assertThat(this.stored.refreshToken(key).blockOptional()).isEmpty();
	}

	@Test
	void isLiveThenTheIdleTimeoutIsNotExtended() {
		WebSession session = signedIn("rt-secret-1");
		this.clock.advance(IDLE.minusMinutes(1));

		assertThat(this.stored.isLive(SessionKey.of(session.getId())).block()).isTrue();
		this.clock.advance(Duration.ofMinutes(1).plusMillis(1));

		assertThat(this.stored.isLive(SessionKey.of(session.getId())).block()).isFalse();
	}

	@Test
	void whenNoSessionHasTheKeyThenNothingFoundAndNothingEnded() {
		signedIn("rt-other");
		SessionKey unknown = SessionKey.of("never-stored");

		assertThat(this.stored.isLive(unknown).block()).isFalse();
		assertThat(this.stored.end(unknown).blockOptional()).isEmpty();
		assertThat(this.store.getSessions()).hasSize(1);
	}

	/**
	 * A user's session list looks each of their sessions up by key: scripted logins give
	 * one user hundreds. Hashing every id in the store per lookup made a list of 900 cost
	 * about a second of an event loop with 10 000 sessions held. The store of these tests
	 * refuses to be scanned ({@link #store()}), so every lookup here goes by the index.
	 */
	@Test
	void isLiveWhenManySessionsHeldThenEachFoundByItsKeyWithoutAScan() {
		for (int i = 0; i < 1_000; i++) {
			signedIn("rt-" + i);
		}
		WebSession wanted = signedIn("rt-wanted");

		assertThat(this.stored.isLive(SessionKey.of(wanted.getId())).block()).isTrue();
		assertThat(this.stored.isLive(SessionKey.of("gone")).block()).isFalse();
		assertThat(
				this.stored.refreshToken(SessionKey.of(wanted.getId())).map(OAuth2RefreshToken::getTokenValue).block())
			.isEqualTo("rt-wanted");
	}

	@Test
	void isLiveWhenSessionIdChangedThenFoundByTheNewKeyOnly() {
		WebSession session = signedIn("rt-secret-1");
		SessionKey before = SessionKey.of(session.getId());

		session.changeSessionId().block();
		session.save().block();

		assertThat(this.stored.isLive(SessionKey.of(session.getId())).block()).isTrue();
		assertThat(this.stored.isLive(before).block()).isFalse();
	}

	@Test
	void isLiveWhenRetrievedByALaterRequestAndIdChangedThenFoundByTheNewKey() {
		String id = signedIn("rt-secret-1").getId();
		WebSession later = this.store.retrieveSession(id).block();

		later.changeSessionId().block();
		later.save().block();

		assertThat(this.stored.isLive(SessionKey.of(later.getId())).block()).isTrue();
		assertThat(
				this.stored.refreshToken(SessionKey.of(later.getId())).map(OAuth2RefreshToken::getTokenValue).block())
			.isEqualTo("rt-secret-1");
	}

	/**
	 * A session emptied when a new login replaced it, and saved back by a request of it
	 * still on its way, signs nobody in: it is no device of anyone's.
	 */
	@Test
	void isLiveWhenSessionHoldsNoLoginThenNot() {
		WebSession emptied = signedIn("rt-secret-1");
		emptied.getAttributes().clear();
		emptied.getAttributes().put("org.springframework.security.web.server.csrf.CsrfToken", "token");
		emptied.save().block();

		assertThat(this.store.getSessions()).containsKey(emptied.getId());
		assertThat(this.stored.isLive(SessionKey.of(emptied.getId())).block()).isFalse();
	}

	private WebSession signedIn(String refreshToken) {
		WebSession session = this.store.createWebSession().block();
		session.getAttributes().put(SessionAttributes.AUTHENTICATED_AT, this.clock.millis());
		session.getAttributes()
			.put(LoginTokens.ATTRIBUTE, new LoginTokens("at", null, null, Set.of("openid"), refreshToken));
		session.start();
		session.save().block();
		return session;
	}

	/** A store whose sessions can be read by id but not iterated: no lookup may scan. */
	private KeyedInMemoryWebSessionStore store() {
		KeyedInMemoryWebSessionStore store = new KeyedInMemoryWebSessionStore() {

			@Override
			public Map<String, WebSession> getSessions() {
				Map<String, WebSession> sessions = super.getSessions();
				return new AbstractMap<>() {

					@Override
					public WebSession get(Object id) {
						return sessions.get(id);
					}

					@Override
					public boolean containsKey(Object id) {
						return sessions.containsKey(id);
					}

					@Override
					public int size() {
						return sessions.size();
					}

					@Override
					public Set<Entry<String, WebSession>> entrySet() {
						throw new AssertionError("the sessions were scanned");
					}

				};
			}

		};
		store.setMaxSessions(20_000);
		store.setDefaultMaxIdleTime(IDLE);
		store.setClock(this.clock);
		return store;
	}

}
