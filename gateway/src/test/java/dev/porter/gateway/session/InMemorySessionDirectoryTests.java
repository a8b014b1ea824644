package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory directory, on a clock the tests move: entries of sessions that can no
 * longer be alive leave by themselves.
 */
class InMemorySessionDirectoryTests extends SessionDirectoryContract {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	private final InMemorySessionDirectory directory = new InMemorySessionDirectory(RETENTION, this.clock);

	@Override
	SessionDirectory directory() {
		return this.directory;
	}

	@Override
	Instant now() {
		return this.clock.instant();
	}

	@Override
	void assertNoEntryFor(String sessionId) {
		assertThat(this.directory.entriesOf("auth0|alice").collectList().block())
			.noneMatch((entry) -> entry.key().equals(SessionKey.of(sessionId)));
	}

	@Test
	void entriesOfWhenUnusedForIdleTimeoutAndTouchIntervalThenGone() {
		record(entry("laptop", "auth0|alice", "Laptop/1.0"));

		this.clock.advance(Duration.ofMinutes(31).minusSeconds(1));
		assertThat(this.directory.entriesOf("auth0|alice").collectList().block()).hasSize(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.directory.entriesOf("auth0|alice").collectList().block()).isEmpty();
	}

	@Test
	void entriesOfWhenSeenEveryTwentyMinutesThenKeptUntilAbsoluteLifetime() {
		record(entry("laptop", "auth0|alice", "Laptop/1.0"));

		for (int i = 0; i < 35; i++) {
			this.clock.advance(Duration.ofMinutes(20));
			this.directory.seen(SessionKey.of("laptop"), this.clock.instant()).block();
		}
		assertThat(this.directory.entriesOf("auth0|alice").collectList().block()).hasSize(1);
		this.clock.advance(Duration.ofMinutes(20));
		this.directory.seen(SessionKey.of("laptop"), this.clock.instant()).block();

		assertThat(this.directory.entriesOf("auth0|alice").collectList().block()).as("12 h after login, however busy")
			.isEmpty();
	}

}
