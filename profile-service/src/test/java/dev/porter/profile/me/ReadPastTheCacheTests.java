package dev.porter.profile.me;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.porter.profile.cache.CacheProperties;
import dev.porter.profile.cache.Cached;
import dev.porter.profile.cache.InvalidationBus;
import dev.porter.profile.cache.Lookup;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.testsupport.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Her user read past the cache, for a change's preconditions
 * ({@link ProfileCaches#directoryRead}): cached, so that the {@code GET /me} a client
 * makes after a 412 answers what it was evaluated against, unless a change of hers
 * overlapped the read and may have landed after it.
 */
class ReadPastTheCacheTests {

	private final ProfileCaches caches = new ProfileCaches(new CacheProperties(spec(), spec(), Duration.ofSeconds(5)),
			new FakeTicker(), new SimpleMeterRegistry(), InvalidationBus.local());

	private final AtomicInteger loads = new AtomicInteger();

	private static CacheProperties.Spec spec() {
		return new CacheProperties.Spec(Duration.ofMinutes(5), Duration.ofHours(1), 100);
	}

	private static DirectoryUser theme(String theme) {
		return new DirectoryUser(JsonNodeFactory.instance.objectNode().put("theme", theme));
	}

	private Supplier<Mono<DirectoryUser>> directoryHolds(String theme) {
		return () -> Mono.fromSupplier(() -> {
			this.loads.incrementAndGet();
			return theme(theme);
		});
	}

	private Cached<DirectoryUser> read() {
		return this.caches.directoryUser("alice", directoryHolds("from the directory")).block();
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
		assertThat(this.loads).hasValue(1);
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
