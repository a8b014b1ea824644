package dev.porter.common;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Fetches of one value that its source changes now and then (an IdP's signing keys),
 * shared by every caller, and started at most once per {@code minInterval} whoever asks:
 * callers anyone can send (tokens naming made-up keys) must not each become a call to the
 * source.
 * <p>
 * A caller whose value lacks what it needs ({@link #fetchForLacking}: a token's key the
 * IdP may just have published) waits for the next fetch rather than going without: one
 * started at once if the interval since the last start has passed, else one due at its
 * end, shared by every caller then waiting. A caller that comes while a fetch is under
 * way waits for it and, still lacking, for the next: the fetch under way may have read
 * the source just before what the caller lacks was published; the next starts once the
 * interval since that one's start has passed, or at once if it has. A fetch, once due,
 * runs to its end whoever still waits for it. Failed fetches are throttled the same way,
 * from when they failed and without the wait: until the next may start, a lacking caller
 * is answered at once with an error, not with the value it lacks, since the source may
 * well have it. At most {@code maxWaiting} lacking callers wait at once; past that,
 * {@link TooManyWaiting}.
 * <p>
 * A caller waits at most the interval and one fetch, or, having come while a fetch was
 * under way, the longer of the interval and that fetch plus one more: so a fetch must end
 * within a timeout of its own (an HTTP client's timeouts are each step's, and a body that
 * trickles in would hold every waiter). A wall clock that steps back (NTP, a VM restored)
 * does not stall fetches.
 *
 * @param <T> what a fetch yields
 */
public final class ThrottledFetches<T> {

	private final Supplier<Mono<T>> fetch;

	private final Duration minInterval;

	private final int maxWaiting;

	private final InstantSource clock;

	private final Scheduler timers;

	/** The lacking callers that wait for a fetch now. */
	private final AtomicInteger waiting = new AtomicInteger();

	/** Why the last fetch failed, or null if it succeeded. */
	private volatile @Nullable Throwable lastFailure;

	/** When the last fetch started. */
	private @Nullable Instant lastStart;

	/** The fetch under way, or due at the interval's end, which every caller shares. */
	private @Nullable Mono<T> next;

	/**
	 * Whether {@link #next} has started: it may then have read the source before it
	 * published what a caller now lacks.
	 */
	private boolean nextUnderWay;

	/**
	 * @param fetch one fetch from the source, ending within a timeout of its own; what it
	 * yields is the caller's to remember, before it reaches anyone (a caller acting on it
	 * at once must find the fetch over and the value remembered)
	 * @param minInterval the least time between the starts of two fetches
	 * @param maxWaiting how many lacking callers may wait for a fetch at once
	 * @param clock when fetches start
	 * @param timers runs the waits for a fetch due at the interval's end
	 */
	public ThrottledFetches(Supplier<Mono<T>> fetch, Duration minInterval, int maxWaiting, InstantSource clock,
			Scheduler timers) {
		this.fetch = Objects.requireNonNull(fetch, "fetch");
		this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
		this.maxWaiting = maxWaiting;
		this.clock = Objects.requireNonNull(clock, "clock");
		this.timers = Objects.requireNonNull(timers, "timers");
	}

	/**
	 * For a caller with no value it may use (none fetched yet): the fetch under way or
	 * due, else one started now, whatever the interval and even if the last one failed.
	 * @return the fetched value, or the fetch's error
	 */
	public Mono<T> fetchNow() {
		return Mono.defer(() -> Objects.requireNonNull(fetchFor(Need.NOW)).value());
	}

	/**
	 * For a caller whose value still serves but is due to be replaced: the fetch under
	 * way or due, else one started now if the interval allows.
	 * @return the fetched value, or the fetch's error; empty when the interval allows no
	 * fetch (the caller's value serves until it does)
	 */
	public Mono<T> fetchIfDue() {
		return Mono.defer(() -> {
			Fetch<T> fetch = fetchFor(Need.IF_DUE);
			return (fetch != null) ? fetch.value() : Mono.empty();
		});
	}

	/**
	 * For a caller whose value lacks what it needs: the value of the first fetch that may
	 * have it, which it may still lack.
	 * @param has whether a value has what the caller needs
	 * @return that value; an {@link IllegalStateException} at once if the last fetch
	 * failed within the interval, {@link TooManyWaiting} if {@code maxWaiting} callers
	 * wait already, or the fetch's error
	 */
	public Mono<T> fetchForLacking(Predicate<? super T> has) {
		return Mono.defer(() -> {
			if (this.waiting.incrementAndGet() > this.maxWaiting) {
				this.waiting.decrementAndGet();
				return Mono.error(new TooManyWaiting(this.maxWaiting));
			}
			return lacking(has).doFinally((signal) -> this.waiting.decrementAndGet());
		});
	}

	private Mono<T> lacking(Predicate<? super T> has) {
		Fetch<T> fetch = fetchFor(Need.LACKING);
		if (fetch == null) {
			return failedWithinInterval();
		}
		if (!fetch.underWay()) {
			return fetch.value();
		}
		// That fetch started before this caller came, maybe before the source published
		// what it lacks: lacking it still, the next fetch, which starts after, is asked.
		return fetch.value().flatMap((value) -> has.test(value) ? Mono.just(value) : afterFetchUnderWay());
	}

	/**
	 * The value of the fetch after the one under way when the caller came: at once if the
	 * interval since that one's start has passed, else at its end. One started meanwhile
	 * has started since the caller came, so it is joined.
	 */
	private Mono<T> afterFetchUnderWay() {
		return Mono.defer(() -> {
			Fetch<T> fetch = fetchFor(Need.LACKING);
			return (fetch != null) ? fetch.value() : failedWithinInterval();
		});
	}

	private Mono<T> failedWithinInterval() {
		return Mono.error(new IllegalStateException(
				"the last fetch failed; the next may start " + this.minInterval + " after it started",
				this.lastFailure));
	}

	/**
	 * The fetch to wait for: the one under way or due; else one started now if the
	 * interval allows or {@code need} is {@link Need#NOW}; else, for a lacking caller
	 * after a fetch that succeeded, one due at the interval's end. Null when the caller
	 * gets no fetch.
	 */
	private synchronized @Nullable Fetch<T> fetchFor(Need need) {
		if (this.next != null) {
			return new Fetch<>(this.next, this.nextUnderWay);
		}
		Duration wait = (need == Need.NOW) ? Duration.ZERO : untilAllowed(this.clock.instant());
		if (!wait.isZero() && (need == Need.IF_DUE || this.lastFailure != null)) {
			return null;
		}
		Mono<T> fetch = (wait.isZero() ? started() : Mono.delay(wait, this.timers).then(started()))
			// Before the value or the error reach anyone: a caller acting on them at once
			// must find this fetch over, not join it again and miss a newer value.
			.doOnNext((value) -> ended(null))
			.doOnError(this::ended)
			.cache();
		this.next = fetch;
		// Runs whoever waits for it: a waiter that goes away cancels it for no one, and
		// the next caller finds its value. Its error is the waiters' to handle.
		fetch.onErrorComplete().subscribe();
		// Started for this caller, if it started at once: after it came.
		return new Fetch<>(fetch, false);
	}

	/**
	 * How long until the next fetch may start. A last start later than now (the clock
	 * stepped back) is taken as now, so that fetches are allowed again one interval on,
	 * not only once the clock is back where it was.
	 */
	private synchronized Duration untilAllowed(Instant now) {
		if (this.lastStart == null) {
			return Duration.ZERO;
		}
		if (this.lastStart.isAfter(now)) {
			this.lastStart = now;
		}
		Duration left = Duration.between(now, this.lastStart.plus(this.minInterval));
		return left.isNegative() ? Duration.ZERO : left;
	}

	private Mono<T> started() {
		return Mono.defer(() -> {
			markStarted();
			return this.fetch.get();
		})
			// An empty answer would leave the fetch due forever.
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("the fetch yielded nothing")));
	}

	private synchronized void markStarted() {
		this.lastStart = this.clock.instant();
		this.nextUnderWay = true;
	}

	private synchronized void ended(@Nullable Throwable failure) {
		this.lastFailure = failure;
		if (failure != null) {
			// The interval runs from the failure: a source that hangs fails only at the
			// fetch's own timeout, often past the interval since its start, and the next
			// lacking caller would start another fetch at once and wait out its timeout
			// too, where it is due an error at once.
			this.lastStart = this.clock.instant();
		}
		this.next = null;
		this.nextUnderWay = false;
	}

	/** A lacking caller answered at once: {@code maxWaiting} callers wait already. */
	public static final class TooManyWaiting extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		TooManyWaiting(int maxWaiting) {
			super(maxWaiting + " callers wait for a fetch already");
		}

	}

	private enum Need {

		/** Nothing to use meanwhile: a fetch now, whatever the interval. */
		NOW,

		/** A value that serves meanwhile: a fetch if the interval allows. */
		IF_DUE,

		/** A value that lacks what the caller needs: the next fetch that may have it. */
		LACKING

	}

	/**
	 * A fetch a caller waits for, and whether it was under way when the caller came, so
	 * may lack what the source published since it started.
	 */
	private record Fetch<V>(Mono<V> value, boolean underWay) {
	}

}
