package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link SessionRegistry} must answer a login that registers after a
 * back-channel logout of its IdP session or user, and that it lists no session older than
 * the absolute lifetime however often its user signs in: written once, run against the
 * in-memory registry and the Redis one (each test class extends this and hands over its
 * registry).
 */
abstract class SessionRegistryContract {

	/**
	 * When the IdP issued the ID token of the logins registered here, and where the
	 * registry's clock starts.
	 */
	static final Instant LOGIN = Instant.parse("2025-06-01T10:00:00Z");

	/** The sessions' absolute lifetime, which the registry under test is built with. */
	static final Duration LIFETIME = Duration.ofHours(12);

	/** The registry under test, empty before each test, its clock at {@link #LOGIN}. */
	abstract SessionRegistry registry();

	/** Moves the registry's clock on by {@code duration}. */
	abstract void advance(Duration duration);

	/**
	 * A user who signs in every five hours, her browser still signed in at the IdP (one
	 * {@code sid}), each session idling out unnoticed (no list of her sessions ran while
	 * the directory still knew it): six logins over 25 hours.
	 * @return the sessions, in the order they signed in
	 */
	List<SessionKey> signInEveryFiveHours() {
		List<SessionKey> sessions = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			if (i > 0) {
				advance(Duration.ofHours(5));
			}
			SessionKey session = SessionKey.of("login-" + i);
			registry().register(session, "sid-a", "auth0|alice", LOGIN.plus(Duration.ofHours(5L * i))).block();
			sessions.add(session);
		}
		return sessions;
	}

	/**
	 * No session outlives its absolute lifetime, so no login older than that is listed,
	 * and the sets stop growing: each login renewed their expiry, and a user who signed
	 * in at least once per lifetime kept every session she ever had, each read again by
	 * every back-channel logout of hers.
	 */
	@Test
	void registerWhenTheUserKeepsSigningInThenOnlySessionsOfTheLastLifetimeAreListed() {
		List<SessionKey> sessions = signInEveryFiveHours();

		// Signed in 10, 5 and 0 hours ago; the rest 15 hours ago or more.
		List<SessionKey> live = sessions.subList(3, 6);
		assertThat(registry().findBySid("sid-a").block()).containsExactlyInAnyOrderElementsOf(live);
		assertThat(registry().findBySub("auth0|alice").block()).containsExactlyInAnyOrderElementsOf(live);
		assertThat(registry().loggedOutSid("sid-a", LOGIN.plus(Duration.ofHours(25))).block())
			.containsExactlyInAnyOrderElementsOf(live);
	}

	/**
	 * A logout the store could not record may be a replay: looked up by when its token
	 * was issued, it finds the sessions registered by then, never a later login.
	 */
	@Test
	void findWhenBoundedByATimeThenOnlySessionsRegisteredByThenFound() {
		registry().register(SessionKey.of("before"), "sid-a", "auth0|alice", LOGIN).block();
		advance(Duration.ofMinutes(1));
		registry().register(SessionKey.of("at"), "sid-a", "auth0|alice", LOGIN).block();
		advance(Duration.ofMillis(1));
		registry().register(SessionKey.of("after"), "sid-a", "auth0|alice", LOGIN).block();

		Instant bound = LOGIN.plus(Duration.ofMinutes(1));
		assertThat(registry().findBySid("sid-a", bound).block()).containsExactlyInAnyOrder(SessionKey.of("before"),
				SessionKey.of("at"));
		assertThat(registry().findBySub("auth0|alice", bound).block())
			.containsExactlyInAnyOrder(SessionKey.of("before"), SessionKey.of("at"));
		assertThat(registry().findBySid("sid-b", bound).block()).isEmpty();
	}

	/**
	 * A back-channel logout of the IdP session came while a login of it was on its way
	 * (its ID token issued before the logout token): the logout found nothing, and the
	 * login, registering after it, is told.
	 */
	@Test
	void registerWhenItsSidWasLoggedOutSinceItsIdTokenThenAnsweredLoggedOut() {
		assertThat(registry().loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block()).isEmpty();

		assertThat(registry().register(SessionKey.of("late"), "sid-a", "auth0|alice", LOGIN).block()).isTrue();
		assertThat(registry().register(SessionKey.of("other"), "sid-b", "auth0|alice", LOGIN).block()).isFalse();
	}

	/** A logout token and an ID token of the same second: the login may be the older. */
	@Test
	void registerWhenItsUserWasLoggedOutTheSameSecondThenAnsweredLoggedOut() {
		registry().loggedOutSub("auth0|alice", LOGIN).block();

		assertThat(registry().register(SessionKey.of("late"), "sid-a", "auth0|alice", LOGIN).block()).isTrue();
	}

	/** The user signed in again after the logout: a login of its own, not ended. */
	@Test
	void registerWhenItsUserWasLoggedOutBeforeItsIdTokenThenNotLoggedOut() {
		registry().loggedOutSub("auth0|alice", LOGIN.minusSeconds(1)).block();

		assertThat(registry().register(SessionKey.of("later"), "sid-a", "auth0|alice", LOGIN).block()).isFalse();
	}

	/** A replay or an older token arriving late does not hide the latest logout. */
	@Test
	void loggedOutSidWhenAnOlderTokenFollowsThenTheLatestIsKept() {
		registry().loggedOutSid("sid-a", LOGIN.plusSeconds(10)).block();
		registry().loggedOutSid("sid-a", LOGIN).block();

		assertThat(registry().register(SessionKey.of("late"), "sid-a", "auth0|alice", LOGIN.plusSeconds(10)).block())
			.isTrue();
	}

	/**
	 * A session ending in favour of another of its IdP session asks whether that one goes
	 * on: not once the IdP logged its {@code sid} out, though the logout may not have
	 * ended it yet.
	 */
	@Test
	void loggedOutWhenItsSidWasLoggedOutSinceItsLoginThenYes() {
		registry().register(SessionKey.of("kept"), "sid-a", "auth0|alice", LOGIN).block();
		registry().loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block();

		assertThat(registry().loggedOut(new IdpSession("auth0|alice", "sid-a", LOGIN)).block()).isTrue();
		assertThat(registry().loggedOut(new IdpSession("auth0|alice", "sid-b", LOGIN)).block()).isFalse();
	}

	/**
	 * A logout of the user issued before the login ended an earlier IdP session of
	 * theirs, as {@link SessionRegistry#register} tells.
	 */
	@Test
	void loggedOutWhenItsUserWasLoggedOutBeforeItsLoginThenNotUntilLoggedOutAgain() {
		registry().loggedOutSub("auth0|alice", LOGIN.minusSeconds(1)).block();

		assertThat(registry().loggedOut(new IdpSession("auth0|alice", "sid-a", LOGIN)).block()).isFalse();
		assertThat(registry().loggedOut(new IdpSession("auth0|alice", null, LOGIN)).block()).isFalse();

		registry().loggedOutSub("auth0|alice", LOGIN).block();

		assertThat(registry().loggedOut(new IdpSession("auth0|alice", "sid-a", LOGIN)).block()).isTrue();
		assertThat(registry().loggedOut(new IdpSession("auth0|alice", null, LOGIN)).block()).isTrue();
	}

	@Test
	void loggedOutWhenAskedThenNothingIsRegistered() {
		registry().loggedOutSid("sid-a", LOGIN).block();

		assertThat(registry().loggedOut(new IdpSession("auth0|alice", "sid-a", LOGIN)).block()).isTrue();
		assertThat(registry().findBySid("sid-a").block()).isEmpty();
		assertThat(registry().findBySub("auth0|alice").block()).isEmpty();
	}

	/** Found, not taken: the sessions leave the registry once they are ended. */
	@Test
	void loggedOutSidThenItsSessionsFound() {
		registry().register(SessionKey.of("laptop"), "sid-a", "auth0|alice", LOGIN).block();

		assertThat(registry().loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block())
			.containsExactly(SessionKey.of("laptop"));
		assertThat(registry().findBySid("sid-a").block()).containsExactly(SessionKey.of("laptop"));
	}

}
