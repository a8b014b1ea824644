package dev.porter.gateway.session;

import java.time.Duration;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory registry: the contract every registry keeps; its memory of back-channel
 * logouts forgotten after {@link SessionRegistry#LOGOUT_MEMORY}, and its sessions after
 * one absolute lifetime since they registered, both on the gateway's clock.
 */
class InMemorySessionRegistryTests extends SessionRegistryContract {

	private final MovableClock clock = new MovableClock(LOGIN);

	private final InMemorySessionRegistry registry = new InMemorySessionRegistry(LIFETIME, this.clock);

	@Override
	SessionRegistry registry() {
		return this.registry;
	}

	@Override
	void advance(Duration duration) {
		this.clock.advance(duration);
	}

	/**
	 * A session registered a moment less than a lifetime ago may live until now; one
	 * registered a lifetime ago cannot (its lifetime runs from its login, which came
	 * before its registration, on the same clock).
	 */
	@Test
	void registerWhenASessionRegisteredALifetimeAgoThenItLeavesTheSets() {
		this.registry.register(SessionKey.of("old"), "sid-a", "auth0|alice", LOGIN).block();
		this.clock.advance(LIFETIME.minusMillis(1));
		this.registry.register(SessionKey.of("new"), "sid-a", "auth0|alice", LOGIN.plus(LIFETIME)).block();

		assertThat(this.registry.findBySub("auth0|alice").block()).containsExactlyInAnyOrder(SessionKey.of("old"),
				SessionKey.of("new"));

		this.clock.advance(Duration.ofMillis(1));
		this.registry.register(SessionKey.of("newer"), "sid-b", "auth0|alice", LOGIN.plus(LIFETIME)).block();

		assertThat(this.registry.findBySub("auth0|alice").block()).containsExactlyInAnyOrder(SessionKey.of("new"),
				SessionKey.of("newer"));
		// Left alone by a login under another sid: it goes with the next login under its
		// own.
		assertThat(this.registry.findBySid("sid-a").block()).containsExactlyInAnyOrder(SessionKey.of("old"),
				SessionKey.of("new"));
	}

	/**
	 * A set no login touched for a lifetime is gone, on the gateway's clock: every
	 * session in it has ended.
	 */
	@Test
	void findBySubWhenNoLoginForALifetimeThenNothingListed() {
		this.registry.register(SessionKey.of("old"), "sid-a", "auth0|alice", LOGIN).block();
		this.clock.advance(LIFETIME);

		assertThat(this.registry.findBySub("auth0|alice").block()).isEmpty();
		assertThat(this.registry.findBySid("sid-a").block()).isEmpty();
	}

	@Test
	void registerWhenTheLogoutWasRecordedTheLogoutMemoryAgoThenNotLoggedOut() {
		this.registry.loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block();

		this.clock.advance(SessionRegistry.LOGOUT_MEMORY.minusMillis(1));
		assertThat(this.registry.register(SessionKey.of("slow"), "sid-a", "auth0|alice", LOGIN).block()).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.registry.register(SessionKey.of("slower"), "sid-a", "auth0|alice", LOGIN).block()).isFalse();
	}

}
