package dev.porter.gateway.session;

import java.time.Duration;
import java.util.stream.IntStream;
import java.time.Instant;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory directory, on a clock the tests move: entries of sessions that can no
 * longer be alive leave by themselves.
 */
class InMemorySessionDirectoryTests extends SessionDirectoryContract {

	/** Entries one user keeps at most. */
	private static final int PER_USER = 10;

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	private final InMemorySessionDirectory directory = new InMemorySessionDirectory(RETENTION, 100, PER_USER,
			this.clock);

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

	/**
	 * Entries of ended sessions stay until their retention ends: logins far faster than
	 * that (a load test, a script) must not grow the process's memory without bound.
	 */
	@Test
	void recordWhenMoreEntriesThanTheBoundThenTheBoundIsKept() {
		for (int i = 0; i < 1_000; i++) {
			record(entry("session-" + i, "auth0|user-" + i, null));
		}

		long kept = IntStream.range(0, 1_000)
			.mapToLong((i) -> this.directory.entriesOf("auth0|user-" + i).count().block())
			.sum();
		assertThat(kept).isLessThanOrEqualTo(100);
	}

	// The bound was shared by all users: one account cycling scripted logins and logouts
	// left entries of ended sessions that pushed other users' entries out, so their
	// sessions went missing from their list, from "sign out other devices" and from
	// their limit.
	@Test
	void recordWhenOneUserPilesUpEntriesThenOnlyTheirOwnOldestGoAndOthersStay() {
		record(entry("victim-laptop", "auth0|victim", "Laptop/1.0"));
		for (int i = 0; i < 200; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			record(entry("attacker-" + i, "auth0|attacker", null));
		}

		assertThat(this.directory.entriesOf("auth0|victim").collectList().block()).hasSize(1);
		assertThat(this.directory.entriesOf("auth0|attacker").collectList().block()).hasSize(PER_USER)
			.anyMatch((entry) -> entry.key().equals(SessionKey.of("attacker-199")))
			.noneMatch((entry) -> entry.key().equals(SessionKey.of("attacker-0")));
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
