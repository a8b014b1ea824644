package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link SessionDirectory} does, whatever holds it; subclasses give the
 * directory and its clock's time.
 */
abstract class SessionDirectoryContract {

	static final SessionDirectoryRetention RETENTION = new SessionDirectoryRetention(Duration.ofMinutes(30),
			Duration.ofHours(12), Duration.ofMinutes(1));

	abstract SessionDirectory directory();

	/** The directory's present time, to the millisecond (Redis keeps milliseconds). */
	abstract Instant now();

	@Test
	void entriesOfWhenTwoUsersSignedInThenOnlyThatUsersEntries() {
		DirectoryEntry laptop = entry("laptop", "auth0|alice", "Laptop/1.0");
		DirectoryEntry phone = entry("phone", "auth0|alice", "Phone/2.0");
		DirectoryEntry bobs = entry("bobs", "auth0|bob", "Bob/1.0");
		record(laptop, phone, bobs);

		assertThat(directory().entriesOf("auth0|alice").collectList().block()).containsExactlyInAnyOrder(laptop, phone);
		assertThat(directory().entriesOf("auth0|carol").collectList().block()).isEmpty();
	}

	@Test
	void seenWhenEntryExistsThenLastSeenMoves() {
		DirectoryEntry laptop = entry("laptop", "auth0|alice", "Laptop/1.0");
		record(laptop);
		Instant later = now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(90);

		StepVerifier.create(directory().seen(SessionKey.of("laptop"), later)).verifyComplete();

		assertThat(directory().entriesOf("auth0|alice").collectList().block()).singleElement().satisfies((entry) -> {
			assertThat(entry.lastSeenAt()).isEqualTo(later);
			assertThat(entry.createdAt()).isEqualTo(laptop.createdAt());
			assertThat(entry.userAgent()).isEqualTo("Laptop/1.0");
			assertThat(entry.sid()).isEqualTo("sid-laptop");
		});
	}

	@Test
	void seenWhenNoEntryThenCreatesNone() {
		StepVerifier.create(directory().seen(SessionKey.of("never-signed-in"), now())).verifyComplete();

		assertThat(directory().entriesOf("auth0|alice").collectList().block()).isEmpty();
		assertNoEntryFor("never-signed-in");
	}

	@Test
	void forgetWhenEntryExistsThenGoneAndOthersKept() {
		DirectoryEntry laptop = entry("laptop", "auth0|alice", "Laptop/1.0");
		DirectoryEntry phone = entry("phone", "auth0|alice", "Phone/2.0");
		record(laptop, phone);

		StepVerifier.create(directory().forget(SessionKey.of("phone"), "auth0|alice")).verifyComplete();

		assertThat(directory().entriesOf("auth0|alice").collectList().block()).containsExactly(laptop);
		assertNoEntryFor("phone");
	}

	@Test
	void recordWhenUserAgentLongerThanLimitThenCut() {
		record(entry("laptop", "auth0|alice", "x".repeat(1000)));

		assertThat(directory().entriesOf("auth0|alice").blockFirst().userAgent())
			.hasSize(DirectoryEntry.MAX_USER_AGENT);
	}

	/** Nothing is stored for the session, under any key. */
	abstract void assertNoEntryFor(String sessionId);

	DirectoryEntry entry(String sessionId, String sub, String userAgent) {
		Instant now = now().truncatedTo(ChronoUnit.MILLIS);
		return new DirectoryEntry(SessionKey.of(sessionId), "sid-" + sessionId, sub, now, now, userAgent);
	}

	void record(DirectoryEntry... entries) {
		for (DirectoryEntry entry : entries) {
			StepVerifier.create(directory().record(entry)).verifyComplete();
		}
	}

}
