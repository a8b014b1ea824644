package dev.porter.profile.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.porter.profile.problem.CallerRateLimitedException;
import dev.porter.profile.problem.TokenRejectedException;
import dev.porter.profile.problem.UpstreamUnavailableException;
import dev.porter.profile.problem.UserNotFoundException;
import dev.porter.profile.testsupport.FakeTicker;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class SwrCacheTests {

	private final FakeTicker ticker = new FakeTicker();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final SwrCache<String, String> cache = new SwrCache<>("test", Duration.ofMinutes(5), Duration.ofHours(1),
			Duration.ofSeconds(5), 100, this.ticker, Runnable::run, new CacheMeters(this.meters), (error) -> false,
			UnaryOperator.identity());

	private final AtomicInteger loads = new AtomicInteger();

	private Supplier<Mono<String>> loader(String value) {
		return () -> Mono.fromSupplier(() -> value + this.loads.incrementAndGet());
	}

	private Supplier<Mono<String>> failing(RuntimeException error) {
		return () -> Mono.defer(() -> {
			this.loads.incrementAndGet();
			return Mono.error(error);
		});
	}

	private void expect(Supplier<Mono<String>> loader, String value, Lookup lookup) {
		StepVerifier.create(this.cache.get("k", loader)).expectNext(new Cached<>(value, lookup)).verifyComplete();
	}

	@Test
	void getWhenMissThenLoadsOnceAndReportsMiss() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		assertThat(this.loads).hasValue(1);
	}

	// The answer a dropped load gives is its own; the cache keeps nothing of it.
	@Test
	void getWhenTheLoadIsInvalidatedOrOverwrittenInFlightThenTheMissSaysNotStored() {
		Sinks.One<String> upstream = Sinks.one();
		StepVerifier.create(this.cache.get("k", upstream::asMono)).then(() -> {
			this.cache.invalidate("k");
			upstream.tryEmitValue("dropped");
		}).expectNext(new Cached<>("dropped", new Lookup(Lookup.Outcome.MISS, 300, false))).verifyComplete();
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));

		this.cache.invalidate("k");
		Sinks.One<String> overtaken = Sinks.one();
		StepVerifier.create(this.cache.get("k", overtaken::asMono)).then(() -> {
			this.cache.put("k", "written");
			overtaken.tryEmitValue("overtaken");
		}).expectNext(new Cached<>("overtaken", new Lookup(Lookup.Outcome.MISS, 300, false))).verifyComplete();
		expect(loader("v"), "written", new Lookup(Lookup.Outcome.HIT, 300));
	}

	@Test
	void getWhenFreshThenHitWithRemainingTtlAndNoLoad() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofSeconds(88));
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.HIT, 212));
		assertThat(this.loads).hasValue(1);
		assertThat(this.meters.get("profile.cache.lookups").tag("outcome", "hit").counter().count()).isEqualTo(1);
	}

	@Test
	void getWhenTwoCallersMissSameKeyThenLoadsOnceAndSecondCollapsed() {
		Sinks.One<String> upstream = Sinks.one();
		Supplier<Mono<String>> slow = () -> {
			this.loads.incrementAndGet();
			return upstream.asMono();
		};
		Mono<Cached<String>> first = this.cache.get("k", slow);
		Mono<Cached<String>> second = this.cache.get("k", slow);
		StepVerifier.create(first.zipWith(second)).then(() -> upstream.tryEmitValue("v")).assertNext((both) -> {
			assertThat(both.getT1().lookup().outcome()).isEqualTo(Lookup.Outcome.MISS);
			assertThat(both.getT2().lookup().outcome()).isEqualTo(Lookup.Outcome.COLLAPSED);
			assertThat(both.getT2().value()).isEqualTo("v");
		}).verifyComplete();
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void invalidateAllWhenCallerCancelledALoadThenCompletesOnlyOnceThatLoadHasSettled() {
		// A caller that cancels (a /me whose other upstream failed first) leaves its load
		// running for the callers that may join it; a clear must not report done while
		// that load can still reach the upstream.
		Sinks.One<String> upstream = Sinks.one();
		this.cache.get("k", () -> upstream.asMono()).subscribe().dispose();

		CompletableFuture<Void> cleared = this.cache.invalidateAll();

		assertThat(cleared).isNotDone();
		upstream.tryEmitValue("late");
		assertThat(cleared).isCompleted();
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
	}

	@Test
	void invalidateAllWhenLoadInFlightFailsThenStillCompletesNormally() {
		Sinks.One<String> upstream = Sinks.one();
		this.cache.get("k", () -> upstream.asMono()).subscribe((v) -> {
		}, (ex) -> {
		});

		CompletableFuture<Void> cleared = this.cache.invalidateAll();
		upstream.tryEmitError(new IllegalStateException("upstream down"));

		assertThat(cleared).isCompleted();
	}

	// Each integration test starts with a clear: a load the test before had left running
	// (its caller answered already) failed after it, and its 404 was replayed to the next
	// test without a call.
	@Test
	void invalidateAllWhenALoadInFlightFailsAfterItThenItsFailureIsNotRepeated() {
		Sinks.One<String> upstream = Sinks.one();
		this.cache.get("k", upstream::asMono).subscribe().dispose();

		CompletableFuture<Void> cleared = this.cache.invalidateAll();
		upstream.tryEmitError(new UserNotFoundException());

		assertThat(cleared).isCompleted();
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
	}

	@Test
	void invalidateAllWhenARevalidationIsInFlightThenCompletesOnlyOnceItHasSettled() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		Sinks.One<String> upstream = Sinks.one();
		expect(upstream::asMono, "v1", new Lookup(Lookup.Outcome.STALE, -60));

		CompletableFuture<Void> cleared = this.cache.invalidateAll();

		assertThat(cleared).as("the revalidation may still reach the upstream").isNotDone();
		upstream.tryEmitValue("late");
		assertThat(cleared).isCompleted();
		expect(loader("v"), "v2", new Lookup(Lookup.Outcome.MISS, 300));
	}

	@Test
	void getWhenStaleThenServedAtOnceAndRevalidatedInBackground() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.STALE, -60));
		assertThat(this.loads).hasValue(2);
		expect(loader("v"), "v2", new Lookup(Lookup.Outcome.HIT, 300));
	}

	/**
	 * Nobody waits for a revalidation: it runs as the cache's owner has such loads run
	 * (the upstream's budget taken only when free at once), and a miss, which its caller
	 * waits for, does not.
	 */
	@Test
	void getWhenRevalidatingThenTheLoadRunsInBackgroundAndAMissDoesNot() {
		SwrCache<String, String> cache = new SwrCache<>("test", Duration.ofMinutes(5), Duration.ofHours(1),
				Duration.ofSeconds(5), 100, this.ticker, Runnable::run, new CacheMeters(this.meters), (error) -> false,
				(load) -> load.contextWrite((context) -> context.put("background", true)));
		Supplier<Mono<String>> loader = () -> Mono
			.deferContextual((context) -> Mono.just(context.hasKey("background") ? "background" : "waited for"));

		assertThat(cache.get("k", loader).block().value()).isEqualTo("waited for");
		this.ticker.advance(Duration.ofMinutes(6));
		assertThat(cache.get("k", loader).block().value()).as("stale").isEqualTo("waited for");

		assertThat(cache.get("k", loader).block().value()).isEqualTo("background");
	}

	@Test
	void getWhenStaleReadsArriveWhileRevalidatingThenOneRevalidationAndItsResultServedNext() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		Sinks.One<String> upstream = Sinks.one();
		Supplier<Mono<String>> slow = () -> {
			this.loads.incrementAndGet();
			return upstream.asMono();
		};
		expect(slow, "v1", new Lookup(Lookup.Outcome.STALE, -60));
		expect(slow, "v1", new Lookup(Lookup.Outcome.STALE, -60));
		assertThat(this.loads).as("the second stale read joined the revalidation in flight").hasValue(2);

		upstream.tryEmitValue("fresh");

		expect(loader("v"), "fresh", new Lookup(Lookup.Outcome.HIT, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		expect(loader("v"), "fresh", new Lookup(Lookup.Outcome.STALE, -60));
		assertThat(this.loads).as("a revalidation once the last one ended starts anew").hasValue(3);
	}

	@Test
	void getWhenRevalidationFailsThenStaleFlaggedUntilWindowEnds() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		UpstreamUnavailableException down = new UpstreamUnavailableException("management", Duration.ofSeconds(5), null);
		expect(failing(down), "v1", new Lookup(Lookup.Outcome.STALE, -60));
		expect(failing(down), "v1", new Lookup(Lookup.Outcome.STALE_AFTER_ERROR, -60));
		this.ticker.advance(Duration.ofHours(1));
		StepVerifier.create(this.cache.get("k", failing(down)))
			.expectError(UpstreamUnavailableException.class)
			.verify();
	}

	// During an outage every stale read (once each failure's wait has passed) starts a
	// revalidation that fails at once: a line each filled the log at the rate of the
	// traffic.
	@Test
	void getWhenManyStaleReadsRevalidateAgainstAnOutageThenOneLinePerIntervalWithACount(CapturedOutput output) {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		UpstreamUnavailableException down = new UpstreamUnavailableException("management", Duration.ofSeconds(1), null);
		for (int i = 0; i < 50; i++) {
			StepVerifier.create(this.cache.get("k", failing(down))).expectNextCount(1).verifyComplete();
			this.ticker.advance(Duration.ofSeconds(1));
		}
		assertThat(this.loads).hasValue(51);
		assertThat(revalidationFailures(output)).hasSize(1);

		this.ticker.advance(SwrCache.LOG_INTERVAL);
		StepVerifier.create(this.cache.get("k", failing(down))).expectNextCount(1).verifyComplete();
		assertThat(revalidationFailures(output)).hasSize(2)
			.last()
			.asString()
			.contains("UpstreamUnavailableException", "50 since the last report");
	}

	private static java.util.List<String> revalidationFailures(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("revalidation failed")).toList();
	}

	@Test
	void getWhenRevalidationFindsUserGoneThenEntryDropped() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		expect(failing(new UserNotFoundException()), "v1", new Lookup(Lookup.Outcome.STALE, -60));
		StepVerifier.create(this.cache.get("k", failing(new UserNotFoundException())))
			.expectError(UserNotFoundException.class)
			.verify();
	}

	// A load runs with one caller's token (the first to miss, or the stale read that
	// starts the revalidation), while the entry serves every device of the user, each
	// with a token of its own. /userinfo refusing that one token (expired at the IdP,
	// revoked at a logout on that device) says nothing about the others': the next
	// caller loads with its own, and the entry the others read stays.
	@Test
	void getWhenALoadFailsForTheCallersTokenThenTheNextCallerLoadsWithItsOwn() {
		StepVerifier.create(this.cache.get("k", failing(new TokenRejectedException())))
			.expectError(TokenRejectedException.class)
			.verify();

		expect(loader("v"), "v2", new Lookup(Lookup.Outcome.MISS, 300));
	}

	// Two devices miss at once: the second joins the first's load, which runs with the
	// first's token; that token refused, the second loads with its own.
	@Test
	void getWhenAJoinedLoadFailsForTheOtherCallersTokenThenThisCallerLoadsWithItsOwn() {
		Sinks.One<String> first = Sinks.one();
		Mono<Cached<String>> firstDevice = this.cache.get("k", () -> {
			this.loads.incrementAndGet();
			return first.asMono();
		});
		Mono<Cached<String>> secondDevice = this.cache.get("k", loader("v"));

		StepVerifier.create(firstDevice.materialize().zipWith(secondDevice))
			.then(() -> first.tryEmitError(new TokenRejectedException()))
			.assertNext((both) -> {
				assertThat(both.getT1().getThrowable()).isInstanceOf(TokenRejectedException.class);
				assertThat(both.getT2()).isEqualTo(new Cached<>("v2", new Lookup(Lookup.Outcome.MISS, 300)));
			})
			.verifyComplete();
	}

	// The stale read's token refused (the user blocked at the IdP, her grant revoked):
	// kept, the entry answered every later read of hers with the stale copy until the
	// stale window ended, and never the 401 that makes the gateway refresh (and end) her
	// session. Dropped, the next read loads with its own token: refused, it gets the 401;
	// another device's valid token reloads the entry (one call more).
	@Test
	void getWhenARevalidationFailsForTheCallersTokenThenTheEntryIsDroppedAndTheNextReadLoadsWithItsOwn() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		expect(failing(new TokenRejectedException()), "v1", new Lookup(Lookup.Outcome.STALE, -60));

		StepVerifier.create(this.cache.get("k", failing(new TokenRejectedException())))
			.expectError(TokenRejectedException.class)
			.verify();
		expect(loader("v"), "v4", new Lookup(Lookup.Outcome.MISS, 300));
	}

	// A 429 says "not now", nothing about the data: the stale profile stays.
	@Test
	void getWhenRevalidationIsRateLimitedThenStaleKeptAndFlagged() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		CallerRateLimitedException limited = new CallerRateLimitedException(Duration.ofSeconds(30));
		expect(failing(limited), "v1", new Lookup(Lookup.Outcome.STALE, -60));
		expect(failing(limited), "v1", new Lookup(Lookup.Outcome.STALE_AFTER_ERROR, -60));
	}

	@Test
	void getWhenCallerRetriesAsSoonAsLoadFailsThenRetryLoadsAgainInsteadOfJoiningFailedLoad() {
		// A retry (a client, a caller's own error callback) can run inside the failed
		// load's completion, before Caffeine drops the failed future: after a failure
		// that says nothing about the entry (here an upstream's trouble), it must start
		// a load of its own.
		Sinks.One<String> upstream = Sinks.one();
		Supplier<Mono<String>> slowFailing = () -> {
			this.loads.incrementAndGet();
			return upstream.asMono();
		};
		Mono<Cached<String>> retried = this.cache.get("k", slowFailing)
			.onErrorResume(IllegalStateException.class, (error) -> this.cache.get("k", loader("v")));
		StepVerifier.create(retried)
			.then(() -> upstream.tryEmitError(new IllegalStateException("boom")))
			.expectNext(new Cached<>("v2", new Lookup(Lookup.Outcome.MISS, 300)))
			.verifyComplete();
	}

	// An outage is the breaker's to answer without calling; a user who retries once it
	// is over (the SPA's "try again") must get through, not a copy of the failure.
	@Test
	void getWhenLoadFailedForAnOutageThenTheNextCallLoadsAgain() {
		UpstreamUnavailableException down = new UpstreamUnavailableException("management", Duration.ofSeconds(8), null);
		StepVerifier.create(this.cache.get("k", failing(down)))
			.expectError(UpstreamUnavailableException.class)
			.verify();

		expect(loader("v"), "v2", new Lookup(Lookup.Outcome.MISS, 300));
	}

	@Test
	void getWhenLoadFailedWithoutAWaitThenTheSameAnswerWithoutALoadForThePause() {
		UserNotFoundException gone = new UserNotFoundException();
		for (int i = 0; i < 10; i++) {
			StepVerifier.create(this.cache.get("k", failing(gone))).expectErrorSatisfies((error) -> {
				assertThat(error).isSameAs(gone);
			}).verify();
		}
		assertThat(this.loads).hasValue(1);

		this.ticker.advance(Duration.ofSeconds(4));
		StepVerifier.create(this.cache.get("k", failing(gone))).expectError(UserNotFoundException.class).verify();
		assertThat(this.loads).hasValue(1);
		this.ticker.advance(Duration.ofSeconds(1));
		expect(loader("v"), "v2", new Lookup(Lookup.Outcome.MISS, 300));
	}

	@Test
	void getWhenLoadFailedNamingAWaitThenNotLoadedAgainBeforeIt() {
		CallerRateLimitedException limited = new CallerRateLimitedException(Duration.ofSeconds(8));
		StepVerifier.create(this.cache.get("k", failing(limited)))
			.expectError(CallerRateLimitedException.class)
			.verify();
		this.ticker.advance(Duration.ofSeconds(7));
		StepVerifier.create(this.cache.get("k", failing(limited)))
			.expectError(CallerRateLimitedException.class)
			.verify();
		assertThat(this.loads).hasValue(1);
		assertThat(this.meters.get("profile.cache.lookups").tag("outcome", "failed_recently").counter().count())
			.isEqualTo(1);

		this.ticker.advance(Duration.ofSeconds(1));
		expect(loader("v"), "v2", new Lookup(Lookup.Outcome.MISS, 300));
	}

	// A wait longer than any upstream states for a user's or the tenant's bucket (an
	// open circuit's, our token's backoff) must not hide a recovery for long.
	@Test
	void getWhenTheFailureNamesALongWaitThenLoadedAgainAfterTheLongestPause() {
		UpstreamUnavailableException down = new UpstreamUnavailableException("management", Duration.ofMinutes(1), null);
		StepVerifier.create(this.cache.get("k", failing(down)))
			.expectError(UpstreamUnavailableException.class)
			.verify();
		this.ticker.advance(SwrCache.LONGEST_PAUSE);
		expect(loader("v"), "v2", new Lookup(Lookup.Outcome.MISS, 300));
	}

	// Auth0 said when the user's /userinfo bucket refills; every stale read still started
	// another revalidation, so it never did.
	@Test
	void getWhenRevalidationFailedNamingAWaitThenStaleServedWithoutRevalidationUntilIt() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		CallerRateLimitedException limited = new CallerRateLimitedException(Duration.ofSeconds(10));
		expect(failing(limited), "v1", new Lookup(Lookup.Outcome.STALE, -60));
		for (int i = 0; i < 9; i++) {
			expect(failing(limited), "v1", new Lookup(Lookup.Outcome.STALE_AFTER_ERROR, -60 - i));
			this.ticker.advance(Duration.ofSeconds(1));
		}
		assertThat(this.loads).as("one revalidation within the wait").hasValue(2);

		this.ticker.advance(Duration.ofSeconds(1));
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.STALE_AFTER_ERROR, -70));
		assertThat(this.loads).hasValue(3);
		expect(loader("v"), "v3", new Lookup(Lookup.Outcome.HIT, 300));
	}

	@Test
	void getWhenRevalidationFoundTheUserGoneThenThatAnswerRepeatedWithoutALoad() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(6));
		expect(failing(new UserNotFoundException()), "v1", new Lookup(Lookup.Outcome.STALE, -60));
		StepVerifier.create(this.cache.get("k", failing(new UserNotFoundException())))
			.expectError(UserNotFoundException.class)
			.verify();
		assertThat(this.loads).hasValue(2);
	}

	// A change confirmed by the upstream is newer than the failure.
	@Test
	void putWhenALoadFailedMomentsAgoThenTheValueWrittenServes() {
		StepVerifier.create(this.cache.get("k", failing(new UserNotFoundException())))
			.expectError(UserNotFoundException.class)
			.verify();
		this.cache.put("k", "patched");
		expect(loader("v"), "patched", new Lookup(Lookup.Outcome.HIT, 300));
	}

	@Test
	void invalidateWhenALoadFailedMomentsAgoThenTheNextReadLoads() {
		StepVerifier.create(this.cache.get("k", failing(new UserNotFoundException())))
			.expectError(UserNotFoundException.class)
			.verify();
		this.cache.invalidate("k");
		expect(loader("v"), "v2", new Lookup(Lookup.Outcome.MISS, 300));
	}

	// Her entry was dropped (another instance changed her) while a read of hers was on
	// its way: what that read was told is older than the change, and the next read asks.
	@Test
	void invalidateWhenALoadInFlightFailsAfterItThenTheNextReadLoads() {
		Sinks.One<String> upstream = Sinks.one();
		StepVerifier.create(this.cache.get("k", upstream::asMono)).then(() -> {
			this.cache.invalidate("k");
			upstream.tryEmitError(new UserNotFoundException());
		}).expectError(UserNotFoundException.class).verify();

		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
	}

	// Her change was confirmed while a load of her entry was on its way (the entry had
	// just expired): that load may have been answered before the change.
	@Test
	void markStaleWhenALoadIsInFlightThenItsAnswerIsNotKeptAsFresh() {
		Sinks.One<String> upstream = Sinks.one();
		StepVerifier.create(this.cache.get("k", upstream::asMono)).then(() -> {
			this.cache.markStale("k");
			upstream.tryEmitValue("before the change");
		}).expectNext(new Cached<>("before the change", new Lookup(Lookup.Outcome.MISS, 300, false))).verifyComplete();

		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
	}

	// Changes announced by other instances may have gone unheard: every entry is served
	// once more while its next read revalidates it.
	@Test
	void markAllStaleWhenEntriesAreFreshThenEachServedStaleAndRevalidatedByItsNextRead() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		StepVerifier.create(this.cache.get("other", loader("o")))
			.expectNext(new Cached<>("o2", new Lookup(Lookup.Outcome.MISS, 300)))
			.verifyComplete();
		this.ticker.advance(Duration.ofSeconds(10));

		this.cache.markAllStale();

		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.STALE, 0));
		expect(loader("v"), "v3", new Lookup(Lookup.Outcome.HIT, 300));
		StepVerifier.create(this.cache.get("other", loader("o")))
			.expectNext(new Cached<>("o2", new Lookup(Lookup.Outcome.STALE, 0)))
			.verifyComplete();
		assertThat(this.loads).hasValue(4);
	}

	@Test
	void putWhenWrittenThroughThenNextGetIsFreshHitWithoutLoad() {
		expect(loader("v"), "v1", new Lookup(Lookup.Outcome.MISS, 300));
		this.ticker.advance(Duration.ofMinutes(4));
		this.cache.put("k", "patched");
		expect(loader("v"), "patched", new Lookup(Lookup.Outcome.HIT, 300));
		assertThat(this.loads).hasValue(1);
	}

}
