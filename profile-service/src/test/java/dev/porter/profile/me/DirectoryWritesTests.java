package dev.porter.profile.me;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which change of a directory user may be written through: only one that nothing
 * overlapped, neither another change here, started before or after it, nor one another
 * instance announced while it was on its way.
 */
class DirectoryWritesTests {

	private final DirectoryWrites writes = new DirectoryWrites();

	@Test
	void endWhenAloneThenLatest() {
		DirectoryWrites.Write write = this.writes.start("alice");

		assertThat(this.writes.end(write)).isTrue();
		assertThat(this.writes.users()).as("nothing kept once ended").isZero();
	}

	@Test
	void endWhenAnotherChangeOfTheSameUserStartedMeanwhileThenNeitherIsLatest() {
		DirectoryWrites.Write first = this.writes.start("alice");
		DirectoryWrites.Write second = this.writes.start("alice");

		assertThat(this.writes.end(second)).as("the later one, ended first").isFalse();
		assertThat(this.writes.end(first)).as("the earlier one, ended last").isFalse();
		assertThat(this.writes.users()).isZero();
	}

	@Test
	void endWhenAnotherChangeEndedBeforeThisOneStartedThenLatest() {
		this.writes.end(this.writes.start("alice"));
		DirectoryWrites.Write later = this.writes.start("alice");

		assertThat(this.writes.end(later)).isTrue();
	}

	@Test
	void endWhenAnotherUserChangedMeanwhileThenLatest() {
		DirectoryWrites.Write alice = this.writes.start("alice");
		DirectoryWrites.Write bob = this.writes.start("bob");
		this.writes.changedElsewhere("bob");

		assertThat(this.writes.end(alice)).isTrue();
		assertThat(this.writes.end(bob)).isFalse();
	}

	@Test
	void endWhenAnotherInstanceAnnouncedAChangeMeanwhileThenNotLatest() {
		DirectoryWrites.Write write = this.writes.start("alice");
		this.writes.changedElsewhere("alice");

		assertThat(this.writes.end(write)).isFalse();
	}

	@Test
	void changedElsewhereWhenNothingInFlightThenNothingKept() {
		this.writes.changedElsewhere("alice");

		assertThat(this.writes.users()).isZero();
		DirectoryWrites.Write write = this.writes.start("alice");
		assertThat(this.writes.end(write)).as("an announcement before it began").isTrue();
	}

}
