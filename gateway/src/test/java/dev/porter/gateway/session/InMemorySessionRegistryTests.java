package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory registry's memory of back-channel logouts, for the logins on their way
 * when one came: what {@code RedisSessionRegistryTests} proves of the shared one, and
 * that it is forgotten after {@link SessionRegistry#LOGOUT_MEMORY} on the gateway's
 * clock.
 */
class InMemorySessionRegistryTests {

	private static final Instant LOGIN = Instant.parse("2025-06-01T10:00:00Z");

	private final MovableClock clock = new MovableClock(LOGIN);

	private final InMemorySessionRegistry registry = new InMemorySessionRegistry(Duration.ofHours(12), this.clock);

	@Test
	void registerWhenItsSidWasLoggedOutSinceItsIdTokenThenAnsweredLoggedOut() {
		assertThat(this.registry.loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block()).isEmpty();

		assertThat(this.registry.register(SessionKey.of("late"), "sid-a", "auth0|alice", LOGIN).block()).isTrue();
		assertThat(this.registry.register(SessionKey.of("other"), "sid-b", "auth0|alice", LOGIN).block()).isFalse();
	}

	@Test
	void registerWhenItsUserWasLoggedOutTheSameSecondThenAnsweredLoggedOut() {
		this.registry.loggedOutSub("auth0|alice", LOGIN).block();

		assertThat(this.registry.register(SessionKey.of("late"), "sid-a", "auth0|alice", LOGIN).block()).isTrue();
	}

	@Test
	void registerWhenItsUserWasLoggedOutBeforeItsIdTokenThenNotLoggedOut() {
		this.registry.loggedOutSub("auth0|alice", LOGIN.minusSeconds(1)).block();

		assertThat(this.registry.register(SessionKey.of("later"), "sid-a", "auth0|alice", LOGIN).block()).isFalse();
	}

	@Test
	void loggedOutSidWhenAnOlderTokenFollowsThenTheLatestIsKept() {
		this.registry.loggedOutSid("sid-a", LOGIN.plusSeconds(10)).block();
		this.registry.loggedOutSid("sid-a", LOGIN).block();

		assertThat(this.registry.register(SessionKey.of("late"), "sid-a", "auth0|alice", LOGIN.plusSeconds(10)).block())
			.isTrue();
	}

	@Test
	void registerWhenTheLogoutWasRecordedTheLogoutMemoryAgoThenNotLoggedOut() {
		this.registry.loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block();

		this.clock.advance(SessionRegistry.LOGOUT_MEMORY.minusMillis(1));
		assertThat(this.registry.register(SessionKey.of("slow"), "sid-a", "auth0|alice", LOGIN).block()).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.registry.register(SessionKey.of("slower"), "sid-a", "auth0|alice", LOGIN).block()).isFalse();
	}

	@Test
	void loggedOutSidThenItsSessionsFound() {
		this.registry.register(SessionKey.of("laptop"), "sid-a", "auth0|alice", LOGIN).block();

		assertThat(this.registry.loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block())
			.containsExactly(SessionKey.of("laptop"));
		assertThat(this.registry.findBySid("sid-a").block()).containsExactly(SessionKey.of("laptop"));
	}

}
