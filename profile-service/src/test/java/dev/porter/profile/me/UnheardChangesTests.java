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
 * This instance's subscription was down, and another instance's change of any user may
 * have gone unheard ({@link ProfileCaches#directoryMayHaveChangedElsewhere}): what it
 * cached is revalidated by its next read, a change of its own then on its way is not
 * taken for the latest, and a change given up elsewhere that lands later is caught as for
 * one heard of.
 */
class UnheardChangesTests {

	private static final Duration FRESH_FOR = Duration.ofMinutes(5);

	private final FakeTicker ticker = new FakeTicker();

	private final ProfileCaches caches = new ProfileCaches(new CacheProperties(spec(), spec(), Duration.ofSeconds(5)),
			this.ticker, new SimpleMeterRegistry(), InvalidationBus.local());

	private final AtomicInteger loads = new AtomicInteger();

	private static CacheProperties.Spec spec() {
		return new CacheProperties.Spec(FRESH_FOR, Duration.ofHours(1), 100);
	}

	private static DirectoryUser theme(String theme) {
		return new DirectoryUser(JsonNodeFactory.instance.objectNode().put("theme", theme));
	}

	/** What the directory answers a read now. */
	private Supplier<Mono<DirectoryUser>> directoryHolds(String theme) {
		return () -> Mono.fromSupplier(() -> {
			this.loads.incrementAndGet();
			return theme(theme);
		});
	}

	private Lookup.Outcome read(Supplier<Mono<DirectoryUser>> load) {
		Cached<DirectoryUser> cached = this.caches.directoryUser("alice", load).block();
		return cached.lookup().outcome();
	}

	@Test
	void directoryUserWhenChangesMayHaveGoneUnheardThenServedOnceMoreStaleWhileRevalidatedThenTheChange() {
		assertThat(read(directoryHolds("dark"))).isEqualTo(Lookup.Outcome.MISS);

		this.caches.directoryMayHaveChangedElsewhere();

		Cached<DirectoryUser> stale = this.caches.directoryUser("alice", directoryHolds("light")).block();
		assertThat(stale.value()).isEqualTo(theme("dark"));
		assertThat(stale.lookup().outcome()).isEqualTo(Lookup.Outcome.STALE);
		Cached<DirectoryUser> revalidated = this.caches.directoryUser("alice", directoryHolds("light")).block();
		assertThat(revalidated.value()).isEqualTo(theme("light"));
		assertThat(revalidated.lookup().outcome()).isEqualTo(Lookup.Outcome.HIT);
		assertThat(this.loads).hasValue(2);
	}

	// Her change here and one made elsewhere unheard may have reached the directory in
	// either order: what hers returned is not known to be the latest.
	@Test
	void directoryChangeWhenOnItsWayAsChangesMayHaveGoneUnheardThenNotWrittenThrough() {
		Sinks.One<DirectoryUser> directory = Sinks.one();
		StepVerifier.create(this.caches.directoryChange("alice", directory.asMono())).then(() -> {
			this.caches.directoryMayHaveChangedElsewhere();
			directory.tryEmitValue(theme("light"));
		}).expectNext(new Cached<>(theme("light"), Lookup.forwarded(false))).verifyComplete();

		assertThat(read(directoryHolds("dark"))).as("the next read asks the directory").isEqualTo(Lookup.Outcome.MISS);
	}

	// Another instance gave up a change of hers (a timeout) and announced it unheard:
	// the directory may apply it after the revalidation that followed the gap.
	@Test
	void directoryUserWhenAChangeGivenUpElsewhereMayLandAfterTheRevalidationThenStaleOnceMoreWhenItSurelyHas() {
		assertThat(read(directoryHolds("dark"))).isEqualTo(Lookup.Outcome.MISS);
		this.caches.directoryMayHaveChangedElsewhere();
		assertThat(read(directoryHolds("dark"))).isEqualTo(Lookup.Outcome.STALE);
		assertThat(read(directoryHolds("dark"))).as("revalidated, before the change landed")
			.isEqualTo(Lookup.Outcome.HIT);

		this.ticker.advance(ProfileCaches.WRITE_SETTLES_WITHIN.minusSeconds(1));
		assertThat(read(directoryHolds("light"))).isEqualTo(Lookup.Outcome.HIT);
		this.ticker.advance(Duration.ofSeconds(1));

		Cached<DirectoryUser> stale = this.caches.directoryUser("alice", directoryHolds("light")).block();
		assertThat(stale.value()).isEqualTo(theme("dark"));
		assertThat(stale.lookup().outcome()).isEqualTo(Lookup.Outcome.STALE);
		Cached<DirectoryUser> landed = this.caches.directoryUser("alice", directoryHolds("light")).block();
		assertThat(landed.value()).isEqualTo(theme("light"));
		assertThat(landed.lookup().outcome()).isEqualTo(Lookup.Outcome.HIT);
		assertThat(read(directoryHolds("light"))).as("once only").isEqualTo(Lookup.Outcome.HIT);
		assertThat(this.loads).hasValue(3);
	}

}
