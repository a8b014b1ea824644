package dev.porter.gateway.session;

import java.time.Duration;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory registry's memory of back-channel logouts, for the logins on their way
 * when one came: the contract every registry keeps, and that it is forgotten after
 * {@link SessionRegistry#LOGOUT_MEMORY} on the gateway's clock.
 */
class InMemorySessionRegistryTests extends SessionRegistryLogoutMemoryContract {

	private final MovableClock clock = new MovableClock(LOGIN);

	private final InMemorySessionRegistry registry = new InMemorySessionRegistry(Duration.ofHours(12), this.clock);

	@Override
	SessionRegistry registry() {
		return this.registry;
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
