package dev.porter.common;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fetches on virtual time: the clock reads the {@link VirtualTimeScheduler} the waits
 * run on, so a test moves both at once. The source answers on the caller's thread, at
 * once or once the test releases it: nothing runs unless the test makes it.
 */
class ThrottledFetchesTests {

	private static final Duration INTERVAL = Duration.ofSeconds(2);

	private static final int MAX_WAITING = 3;

	private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	/** How far the wall clock stepped away from the timers' time (NTP, a VM restored). */
	private volatile Duration clockStep = Duration.ZERO;

	private final InstantSource clock = () -> START.plusNanos(this.time.now(TimeUnit.NANOSECONDS)).plus(this.clockStep);

	private final Source source = new Source();

	private final ThrottledFetches<Set<String>> fetches = new ThrottledFetches<>(this.source::fetch, INTERVAL,
			MAX_WAITING, this.clock, this.time);

	@AfterEach
	void stop() {
		this.time.dispose();
	}

	@Test
	void fetchNowWhenManyCallersAtOnceThenOneFetchForAll() throws Exception {
		this.source.holding = true;
		List<CompletableFuture<Set<String>>> callers = IntStream.range(0, 5)
			.mapToObj((i) -> this.fetches.fetchNow().toFuture())
			.toList();
		this.source.release();

		for (CompletableFuture<Set<String>> caller : callers) {
			assertThat(caller.get(1, TimeUnit.SECONDS)).containsExactly("current");
		}
		assertThat(this.source.fetches).hasValue(1);
	}

	/** With nothing to use, a caller is not made to wait out a failure. */
	@Test
	void fetchNowWhenTheLastFetchFailedThenAnotherAtOnce() {
		this.source.down = true;
		assertThat(this.fetches.fetchNow().toFuture()).failsWithin(Duration.ofSeconds(1));
		this.source.down = false;

		assertThat(this.fetches.fetchNow().block(Duration.ofSeconds(1))).containsExactly("current");
		assertThat(this.source.fetches).hasValue(2);
	}

	@Test
	void fetchIfDueWithinTheIntervalThenNoFetchAndAfterItOne() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(INTERVAL.minusMillis(1));
		assertThat(this.fetches.fetchIfDue().blockOptional(Duration.ofSeconds(1))).isEmpty();

		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.fetches.fetchIfDue().blockOptional(Duration.ofSeconds(1))).contains(Set.of("current"));
		assertThat(this.source.fetches).hasValue(2);
	}

	@Test
	void fetchForLackingWithinTheIntervalThenEveryCallerWaitsForOneFetchAtItsEnd() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		this.source.published = Set.of("current", "rotated");

		List<CompletableFuture<Set<String>>> lacking = IntStream.range(0, MAX_WAITING)
			.mapToObj((i) -> lacking("rotated"))
			.toList();
		assertThat(lacking).noneMatch(CompletableFuture::isDone);
		this.time.advanceTimeBy(INTERVAL.minusSeconds(1));

		assertThat(lacking).allMatch((caller) -> caller.getNow(Set.of()).contains("rotated"));
		assertThat(this.source.fetches).hasValue(2);
	}

	@Test
	void fetchForLackingAfterTheIntervalThenAFetchAtOnce() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(INTERVAL);
		this.source.published = Set.of("current", "rotated");

		assertThat(lacking("rotated")).isCompletedWithValue(Set.of("current", "rotated"));
		assertThat(this.source.fetches).hasValue(2);
	}

	/**
	 * The fetch under way read the source before it published what a caller joining it
	 * lacks: the caller waits for the next fetch, one interval after that one's start.
	 */
	@Test
	void fetchForLackingWhenItJoinsAFetchThatLacksItThenTheNextFetchAtTheIntervalsEnd() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(INTERVAL);
		this.source.holding = true;
		CompletableFuture<Set<String>> madeUp = lacking("made-up");
		this.source.published = Set.of("current", "rotated");
		CompletableFuture<Set<String>> rotated = lacking("rotated");

		this.source.release();
		assertThat(madeUp).as("its own fetch, started after it came").isCompletedWithValue(Set.of("current"));
		assertThat(rotated).isNotDone();
		this.time.advanceTimeBy(INTERVAL.minusMillis(1));
		assertThat(rotated).isNotDone();
		this.time.advanceTimeBy(Duration.ofMillis(1));

		assertThat(rotated).isCompletedWithValue(Set.of("current", "rotated"));
		assertThat(this.source.fetches).hasValue(3);
	}

	@Test
	void fetchForLackingWhenItJoinsAFetchThatHasItThenNoOtherFetch() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(INTERVAL);
		this.source.published = Set.of("current", "rotated");
		this.source.holding = true;
		CompletableFuture<Set<String>> first = lacking("rotated");
		CompletableFuture<Set<String>> joining = lacking("rotated");

		this.source.release();

		assertThat(first).isCompletedWithValue(Set.of("current", "rotated"));
		assertThat(joining).isCompletedWithValue(Set.of("current", "rotated"));
		assertThat(this.source.fetches).hasValue(2);
	}

	/**
	 * The source may well have what the caller lacks: an error, not the value that lacks
	 * it, and no fetch until the interval since the failed one's start has passed.
	 */
	// A source that hangs fails only at the fetch's own timeout, past the interval since
	// its start: timed from the start, the next lacking caller began another fetch at
	// once and waited out its timeout too, where it was due an error at once.
	@Test
	void fetchForLackingWithinTheIntervalAfterAFetchFailedLateThenAnErrorAtOnce() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(INTERVAL);
		this.source.down = true;
		this.source.holding = true;
		CompletableFuture<Set<String>> first = lacking("rotated");
		this.time.advanceTimeBy(INTERVAL.multipliedBy(3));
		this.source.release();
		assertThat(first).isCompletedExceptionally();

		this.time.advanceTimeBy(INTERVAL.minusMillis(1));

		assertThat(lacking("rotated")).isCompletedExceptionally();
		assertThat(this.fetches.fetchIfDue().blockOptional(Duration.ofSeconds(1))).isEmpty();
		assertThat(this.source.fetches).hasValue(2);
	}

	@Test
	void fetchForLackingWithinTheIntervalOfAFailedFetchThenAnErrorAtOnceNamingTheFailure() throws Exception {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(INTERVAL);
		this.source.down = true;
		assertThat(lacking("rotated")).isCompletedExceptionally();
		this.time.advanceTimeBy(INTERVAL.minusMillis(1));

		assertThat(lacking("rotated")).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isExactlyInstanceOf(IllegalStateException.class)
			.havingCause()
			.isInstanceOf(IOException.class);
		assertThat(this.fetches.fetchIfDue().blockOptional(Duration.ofSeconds(1))).isEmpty();
		assertThat(this.source.fetches).hasValue(2);

		this.source.down = false;
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(lacking("rotated")).isCompletedWithValue(Set.of("current"));
		assertThat(this.source.fetches).hasValue(3);
	}

	@Test
	void fetchForLackingWhenTooManyWaitThenTheNextIsRefusedAtOnceAndTheirPlacesFreeOnceAnswered() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		List<CompletableFuture<Set<String>>> waiting = IntStream.range(0, MAX_WAITING)
			.mapToObj((i) -> lacking("made-up-" + i))
			.toList();

		assertThat(lacking("one-too-many")).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseExactlyInstanceOf(ThrottledFetches.TooManyWaiting.class);
		this.time.advanceTimeBy(INTERVAL);
		assertThat(waiting).allMatch((caller) -> caller.isDone() && !caller.isCompletedExceptionally());

		CompletableFuture<Set<String>> later = lacking("later");
		assertThat(later).isNotDone();
		this.time.advanceTimeBy(INTERVAL);
		assertThat(later).isCompletedWithValue(Set.of("current"));
	}

	/** A waiter that goes away takes no one's fetch away, and frees its place. */
	@Test
	void fetchForLackingWhenAWaiterGoesAwayThenTheFetchStillRunsAndItsPlaceIsFree() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		this.source.published = Set.of("current", "rotated");
		this.fetches.fetchForLacking((keys) -> keys.contains("rotated")).subscribe().dispose();

		List<CompletableFuture<Set<String>>> waiting = IntStream.range(0, MAX_WAITING)
			.mapToObj((i) -> lacking("rotated"))
			.toList();
		assertThat(waiting).noneMatch(CompletableFuture::isDone);
		this.time.advanceTimeBy(INTERVAL);

		assertThat(waiting).allMatch((caller) -> caller.getNow(Set.of()).contains("rotated"));
		assertThat(this.source.fetches).hasValue(2);
	}

	@Test
	void fetchForLackingWhenEveryWaiterGoesAwayThenTheFetchStillRuns() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		this.source.published = Set.of("current", "rotated");
		this.fetches.fetchForLacking((keys) -> keys.contains("rotated")).subscribe().dispose();
		this.time.advanceTimeBy(INTERVAL);

		assertThat(this.source.fetches).hasValue(2);
		assertThat(this.fetches.fetchIfDue().blockOptional(Duration.ofSeconds(1))).as("that fetch over").isEmpty();
	}

	/**
	 * The wall clock steps back an hour (NTP, a VM restored) just after a fetch: fetches
	 * are allowed again one interval on, not only once the clock is back where it was.
	 */
	@Test
	void fetchIfDueWhenTheClockStepsBackThenAllowedAgainOneIntervalOn() {
		this.fetches.fetchNow().block(Duration.ofSeconds(1));
		this.clockStep = Duration.ofHours(-1);
		assertThat(this.fetches.fetchIfDue().blockOptional(Duration.ofSeconds(1))).isEmpty();

		this.time.advanceTimeBy(INTERVAL);

		assertThat(this.fetches.fetchIfDue().blockOptional(Duration.ofSeconds(1))).contains(Set.of("current"));
		assertThat(this.source.fetches).hasValue(2);
	}

	/** A fetch that yields nothing is a failure, not one due forever. */
	@Test
	void fetchNowWhenAFetchYieldsNothingThenAnErrorAndTheNextCallerFetchesAgain() {
		this.source.empty = true;
		assertThat(this.fetches.fetchNow().toFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseExactlyInstanceOf(IllegalStateException.class);
		this.source.empty = false;

		assertThat(this.fetches.fetchNow().block(Duration.ofSeconds(1))).containsExactly("current");
		assertThat(this.source.fetches).hasValue(2);
	}

	/**
	 * A caller acting on a fetch's value the moment it arrives (here: from inside its
	 * delivery) finds the fetch over, and starts the next one once the interval allows.
	 */
	@Test
	void fetchForLackingWhenAskedFromInsideTheDeliveryOfAFetchThenANewFetch() {
		Set<String> found = this.fetches.fetchNow().flatMap((first) -> {
			this.source.published = Set.of("current", "rotated");
			this.time.advanceTimeBy(INTERVAL);
			return this.fetches.fetchForLacking((keys) -> keys.contains("rotated"));
		}).block(Duration.ofSeconds(1));

		assertThat(found).contains("rotated");
		assertThat(this.source.fetches).hasValue(2);
	}

	private CompletableFuture<Set<String>> lacking(String key) {
		return this.fetches.fetchForLacking((keys) -> keys.contains(key)).toFuture();
	}

	/**
	 * The source: each fetch reads what it publishes when the fetch starts, and answers
	 * at once, or once released while {@link #holding}.
	 */
	private static final class Source {

		final AtomicInteger fetches = new AtomicInteger();

		volatile Set<String> published = Set.of("current");

		volatile boolean down;

		volatile boolean empty;

		volatile boolean holding;

		private final List<Sinks.Empty<Void>> held = new CopyOnWriteArrayList<>();

		Mono<Set<String>> fetch() {
			this.fetches.incrementAndGet();
			Mono<Set<String>> answer = this.down ? Mono.error(new IOException("source down"))
					: this.empty ? Mono.empty() : Mono.just(this.published);
			if (!this.holding) {
				return answer;
			}
			Sinks.Empty<Void> release = Sinks.empty();
			this.held.add(release);
			return release.asMono().then(answer);
		}

		/** Lets every held answer go, and answers at once from now on. */
		void release() {
			this.holding = false;
			this.held.forEach(Sinks.Empty::tryEmitEmpty);
			this.held.clear();
		}

	}

}
