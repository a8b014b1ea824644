package dev.porter.profile.me;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which change of a directory user may be written through: only one that nothing
 * overlapped, neither another change here, started before or after it, nor one another
 * instance announced while it was on its way.
 */
class DirectoryWritesTests {

	private final DirectoryWrites writes = new DirectoryWrites();

	/** Ends {@code write}: whether its result was taken as the latest. */
	private boolean latest(DirectoryWrites.Write write) {
		AtomicReference<Boolean> latest = new AtomicReference<>();
		this.writes.end(write, () -> latest.set(true), () -> latest.set(false));
		return latest.get();
	}

	@Test
	void endWhenAloneThenLatest() {
		DirectoryWrites.Write write = this.writes.start("alice");

		assertThat(latest(write)).isTrue();
		assertThat(this.writes.users()).as("nothing kept once ended").isZero();
	}

	@Test
	void endWhenAnotherChangeOfTheSameUserStartedMeanwhileThenNeitherIsLatest() {
		DirectoryWrites.Write first = this.writes.start("alice");
		DirectoryWrites.Write second = this.writes.start("alice");

		assertThat(latest(second)).as("the later one, ended first").isFalse();
		assertThat(latest(first)).as("the earlier one, ended last").isFalse();
		assertThat(this.writes.users()).isZero();
	}

	@Test
	void endWhenAnotherChangeEndedBeforeThisOneStartedThenLatest() {
		latest(this.writes.start("alice"));
		DirectoryWrites.Write later = this.writes.start("alice");

		assertThat(latest(later)).isTrue();
	}

	@Test
	void endWhenAnotherUserChangedMeanwhileThenLatest() {
		DirectoryWrites.Write alice = this.writes.start("alice");
		DirectoryWrites.Write bob = this.writes.start("bob");
		this.writes.changedElsewhere("bob", () -> {
		});

		assertThat(latest(alice)).isTrue();
		assertThat(latest(bob)).isFalse();
	}

	@Test
	void endWhenAnotherInstanceAnnouncedAChangeMeanwhileThenNotLatest() {
		DirectoryWrites.Write write = this.writes.start("alice");
		this.writes.changedElsewhere("alice", () -> {
		});

		assertThat(latest(write)).isFalse();
	}

	@Test
	void changedElsewhereWhenNothingInFlightThenDropsAndKeepsNothing() {
		AtomicReference<Boolean> dropped = new AtomicReference<>(false);
		this.writes.changedElsewhere("carol", () -> dropped.set(true));

		assertThat(dropped.get()).isTrue();
		assertThat(this.writes.users()).isZero();
	}

	@Test
	void changedElsewhereWhenNothingInFlightThenNothingKept() {
		this.writes.changedElsewhere("alice", () -> {
		});

		assertThat(this.writes.users()).isZero();
		DirectoryWrites.Write write = this.writes.start("alice");
		assertThat(latest(write)).as("an announcement before it began").isTrue();
	}

}
