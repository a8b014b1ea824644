package dev.porter.profile.me;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.porter.profile.cache.Cached;
import dev.porter.profile.cache.Lookup;
import dev.porter.profile.directory.DirectoryUser;

import static dev.porter.profile.me.AliceInTheDirectoryCache.theme;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Her user read past the cache, for a change's preconditions
 * ({@link ProfileCaches#directoryRead}): cached, so that the {@code GET /me} a client
 * makes after a 412 answers what it was evaluated against, unless a change of hers
 * overlapped the read and may have landed after it.
 */
class ReadPastTheCacheTests {

	private final AliceInTheDirectoryCache alice = new AliceInTheDirectoryCache();

	private final ProfileCaches caches = this.alice.caches();

	private Cached<DirectoryUser> read() {
		return this.alice.read("from the directory");
	}

	@Test
	void directoryReadWhenNothingOverlapsItThenCachedAsRead() {
		assertThat(read().value()).isEqualTo(theme("from the directory"));

		StepVerifier.create(this.caches.directoryRead("alice", Mono.just(theme("dark"))))
			.expectNext(theme("dark"))
			.verifyComplete();

		Cached<DirectoryUser> next = read();
		assertThat(next.value()).isEqualTo(theme("dark"));
		assertThat(next.lookup().outcome()).isEqualTo(Lookup.Outcome.HIT);
		assertThat(this.alice.loads()).hasValue(1);
	}

	// Another instance changed her while the read was on its way: its answer may be
	// older than that change.
	@Test
	void directoryReadWhenAChangeIsAnnouncedMeanwhileThenNotCached() {
		read();
		Sinks.One<DirectoryUser> directory = Sinks.one();

		StepVerifier.create(this.caches.directoryRead("alice", directory.asMono())).then(() -> {
			this.caches.directoryChangedElsewhere("alice");
			directory.tryEmitValue(theme("dark"));
		}).expectNext(theme("dark")).verifyComplete();

		assertThat(read().lookup().outcome()).isEqualTo(Lookup.Outcome.MISS);
	}

	// A change of hers here, in flight during the read: either may have reached the
	// directory last.
	@Test
	void directoryReadWhenAChangeOfHersIsInFlightThenNeitherIsCached() {
		read();
		Sinks.One<DirectoryUser> change = Sinks.one();
		Sinks.One<DirectoryUser> directory = Sinks.one();
		StepVerifier.create(this.caches.directoryChange("alice", change.asMono())).then(() -> {
			StepVerifier.create(this.caches.directoryRead("alice", directory.asMono()))
				.then(() -> directory.tryEmitValue(theme("dark")))
				.expectNext(theme("dark"))
				.verifyComplete();
			assertThat(read().lookup().outcome()).as("the read").isEqualTo(Lookup.Outcome.MISS);
			change.tryEmitValue(theme("light"));
		}).expectNext(new Cached<>(theme("light"), Lookup.forwarded(false))).verifyComplete();
	}

	// A read whose caller went away must not leave her tracked: every later change of
	// hers would be taken as overlapped, and never written through.
	@Test
	void directoryReadWhenCancelledThenALaterChangeIsWrittenThrough() {
		StepVerifier.create(this.caches.directoryRead("alice", Mono.never())).thenCancel().verify();

		StepVerifier.create(this.caches.directoryChange("alice", Mono.just(theme("light"))))
			.expectNext(new Cached<>(theme("light"), Lookup.forwarded(true)))
			.verifyComplete();
	}

}
