package dev.porter.profile.me;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.porter.profile.cache.Cached;
import dev.porter.profile.cache.Lookup;
import dev.porter.profile.directory.DirectoryUser;

import static dev.porter.profile.me.AliceInTheDirectoryCache.theme;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * This instance's subscription was down, and another instance's change of any user may
 * have gone unheard ({@link ProfileCaches#directoryMayHaveChangedElsewhere}): what it
 * cached is revalidated by its next read, a change of its own then on its way is not
 * taken for the latest, and a change given up elsewhere that lands later is caught as for
 * one heard of.
 */
class UnheardChangesTests {

	private final AliceInTheDirectoryCache alice = new AliceInTheDirectoryCache();

	private final ProfileCaches caches = this.alice.caches();

	private Lookup.Outcome read(String theme) {
		return this.alice.read(theme).lookup().outcome();
	}

	@Test
	void directoryUserWhenChangesMayHaveGoneUnheardThenServedOnceMoreStaleWhileRevalidatedThenTheChange() {
		assertThat(read("dark")).isEqualTo(Lookup.Outcome.MISS);

		this.caches.directoryMayHaveChangedElsewhere();

		Cached<DirectoryUser> stale = this.alice.read("light");
		assertThat(stale.value()).isEqualTo(theme("dark"));
		assertThat(stale.lookup().outcome()).isEqualTo(Lookup.Outcome.STALE);
		Cached<DirectoryUser> revalidated = this.alice.read("light");
		assertThat(revalidated.value()).isEqualTo(theme("light"));
		assertThat(revalidated.lookup().outcome()).isEqualTo(Lookup.Outcome.HIT);
		assertThat(this.alice.loads()).hasValue(2);
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

		assertThat(read("dark")).as("the next read asks the directory").isEqualTo(Lookup.Outcome.MISS);
	}

	// Another instance gave up a change of hers (a timeout) and announced it unheard:
	// the directory may apply it after the revalidation that followed the gap.
	@Test
	void directoryUserWhenAChangeGivenUpElsewhereMayLandAfterTheRevalidationThenStaleOnceMoreWhenItSurelyHas() {
		assertThat(read("dark")).isEqualTo(Lookup.Outcome.MISS);
		this.caches.directoryMayHaveChangedElsewhere();
		assertThat(read("dark")).isEqualTo(Lookup.Outcome.STALE);
		assertThat(read("dark")).as("revalidated, before the change landed").isEqualTo(Lookup.Outcome.HIT);

		this.alice.ticker().advance(ProfileCaches.WRITE_SETTLES_WITHIN.minusSeconds(1));
		assertThat(read("light")).isEqualTo(Lookup.Outcome.HIT);
		this.alice.ticker().advance(Duration.ofSeconds(1));

		Cached<DirectoryUser> stale = this.alice.read("light");
		assertThat(stale.value()).isEqualTo(theme("dark"));
		assertThat(stale.lookup().outcome()).isEqualTo(Lookup.Outcome.STALE);
		Cached<DirectoryUser> landed = this.alice.read("light");
		assertThat(landed.value()).isEqualTo(theme("light"));
		assertThat(landed.lookup().outcome()).isEqualTo(Lookup.Outcome.HIT);
		assertThat(read("light")).as("once only").isEqualTo(Lookup.Outcome.HIT);
		assertThat(this.alice.loads()).hasValue(3);
	}

}
