package dev.porter.profile.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.porter.common.Detached;
import dev.porter.common.OncePerInterval;
import dev.porter.common.SingleFlight;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A Caffeine {@link AsyncCache} with stale-while-revalidate and stale-if-error: an entry
 * is fresh for {@code freshFor}, then served at once for up to {@code staleFor} more
 * while one background load per key refreshes it; if that load fails for the upstream's
 * trouble (an outage, a {@code 429}) the stale entry keeps serving (flagged) until the
 * window ends, and if it is refused (a {@code 4xx}, the caller's token included) the
 * entry is dropped. Concurrent misses of a key share one load through Caffeine itself
 * (its {@code AsyncCache} already joins a load in flight), background revalidations of a
 * key share one through a {@link SingleFlight}, and a failed load is never cached as a
 * value (its answer is kept briefly: below). A failed revalidation is logged once per
 * {@link #LOG_INTERVAL} with a count: during an outage every stale read starts one, and
 * the lookups metric already counts each stale answer.
 * <p>
 * A load or revalidation whose answer was about the entry itself (a {@code 404}, a
 * {@code 429}: {@link #isAboutTheKey}) is not repeated for its key before the wait its
 * answer names ({@code Retry-After}: the upstream's own, from its {@code Retry-After} or
 * {@code X-RateLimit-Reset}), or {@code failedLoadPause} when it names none, and never
 * longer than {@link #LONGEST_PAUSE}. Meanwhile a stale entry is served without a
 * revalidation, and a miss gets the same failure. Otherwise a key whose loads always fail
 * (a user the directory does not have) would cost an upstream call per request, and a
 * user whose {@code /userinfo} bucket is empty would keep it empty by asking on every
 * read. A value written through or an invalidation ends the pause: the upstream has since
 * said more. It also outdates what a load or revalidation in flight at that moment will
 * be told: that failure is not remembered (nor its value stored), since it may come after
 * the change that dropped the entry.
 *
 * @param <K> key
 * @param <V> value
 */
public final class SwrCache<K, V> {

	private static final Logger log = LoggerFactory.getLogger(SwrCache.class);

	private final String name;

	private final AsyncCache<K, Entry<V>> cache;

	private final SingleFlight<K, Entry<V>> revalidations = new SingleFlight<>();

	private final Ticker ticker;

	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	/**
	 * The longest a failure is repeated without asking: longer than the upstreams' own
	 * waits for a bucket (Auth0's {@code /userinfo} frees one call every 12 s, the
	 * Management API every second), shorter than an open circuit's (30 s), whose recovery
	 * it would otherwise hide.
	 */
	static final Duration LONGEST_PAUSE = Duration.ofSeconds(15);

	/** Keys whose last load failed, with its answer, until the pause it earned ends. */
	private final Cache<K, Failure> failures;

	private final Duration failedLoadPause;

	private final long freshNanos;

	private final CacheMeters meters;

	private final OncePerInterval revalidationFailures;

	/**
	 * Failures about the entry itself besides a 404 and a 429: see
	 * {@link #isAboutTheKey}.
	 */
	private final Predicate<Throwable> aboutTheEntry;

	/**
	 * What a background revalidation's load runs through: nobody waits for it, a stale
	 * copy has answered.
	 */
	private final UnaryOperator<Mono<V>> inBackground;

	/**
	 * @param aboutTheEntry failures that say something about the entry alone, other than
	 * a {@code 404} or a {@code 429} (her record, which this service will not read), and
	 * are remembered like them
	 * @param inBackground what a background revalidation's load runs through (the
	 * upstream's call budget taken only when free at once); a load someone waits for, a
	 * miss, does not
	 */
	public SwrCache(String name, Duration freshFor, Duration staleFor, Duration failedLoadPause, long maximumSize,
			Ticker ticker, Executor executor, CacheMeters meters, Predicate<Throwable> aboutTheEntry,
			UnaryOperator<Mono<V>> inBackground) {
		this.name = name;
		this.inBackground = inBackground;
		this.aboutTheEntry = aboutTheEntry;
		this.ticker = ticker;
		this.freshNanos = freshFor.toNanos();
		this.failedLoadPause = failedLoadPause;
		this.failures = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.ticker(ticker)
			.expireAfter(Expiry.writing((K k, Failure failure) -> failure.pause()))
			.build();
		this.meters = meters;
		this.revalidationFailures = OncePerInterval.ofNanoTime(LOG_INTERVAL, ticker::read);
		long lifeNanos = freshFor.plus(staleFor).toNanos();
		this.cache = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.ticker(ticker)
			.executor(executor)
			.expireAfter(new EntryExpiry<V>(lifeNanos))
			.recordStats()
			.buildAsync();
		meters.bind(name, this.cache);
	}

	/**
	 * The value for {@code key}: cached, or loaded with {@code loader} (whose
	 * subscription is shared by every caller missing the same key; a caller's cancel does
	 * not stop it).
	 */
	public Mono<Cached<V>> get(K key, Supplier<Mono<V>> loader) {
		return get(key, loader, true);
	}

	/**
	 * @param mayRetryJoined whether a caller that joined another's load, refused for that
	 * caller's token ({@link #isAboutTheCallersToken}), loads once with its own
	 */
	private Mono<Cached<V>> get(K key, Supplier<Mono<V>> loader, boolean mayRetryJoined) {
		return Mono.defer(() -> {
			CompletableFuture<Entry<V>> present = this.cache.getIfPresent(key);
			if (present != null && present.isDone() && !present.isCompletedExceptionally()) {
				return Mono.just(served(key, present.join(), loader));
			}
			if (present != null && present.isCompletedExceptionally()) {
				// Caffeine drops a failed load in a completion callback that can run
				// after a retry made in the caller's own error callback; that retry
				// must not join the failure it is retrying.
				this.cache.asMap().remove(key, present);
			}
			Failure failure = recentFailure(key);
			if (failure != null) {
				this.meters.count(this.name, Lookup.Outcome.FAILED_RECENTLY);
				return Mono.error(failure.error());
			}
			boolean[] loadedHere = { false };
			CompletableFuture<Entry<V>> future = this.cache.get(key, (k, executor) -> {
				loadedHere[0] = true;
				return new CompletableFuture<>();
			});
			if (loadedHere[0]) {
				// started once the cache holds it: its failure, even one at once, is
				// remembered only while the cache still holds it (rememberWhileHeld)
				load(key, loader, future);
			}
			Lookup.Outcome outcome = loadedHere[0] ? Lookup.Outcome.MISS : Lookup.Outcome.COLLAPSED;
			this.meters.count(this.name, outcome);
			// A caller that cancels neither stops the shared load nor hears of its
			// failure
			return Detached.outcomeOf(future)
				.map((entry) -> new Cached<>(entry.value(), new Lookup(outcome, ttl(entry), holds(key, future))))
				// Another device's token was refused; this caller's own may be fine.
				.onErrorResume((error) -> mayRetryJoined && !loadedHere[0] && isAboutTheCallersToken(error),
						(error) -> get(key, loader, false));
		});
	}

	/**
	 * Whether {@code key}'s entry is still {@code load}'s: an invalidation or a
	 * write-through while it ran replaced it, and its value was not stored. Not
	 * {@code getIfPresent}, which would count as a lookup in the cache's statistics.
	 */
	private boolean holds(K key, CompletableFuture<Entry<V>> load) {
		return this.cache.asMap().get(key) == load;
	}

	/** Write-through: {@code value} is what the upstream just confirmed. */
	public void put(K key, V value) {
		this.cache.put(key, CompletableFuture.completedFuture(new Entry<>(value, this.ticker.read(), false)));
		// after the entry: see rememberWhileHeld
		this.failures.invalidate(key);
	}

	/**
	 * Makes {@code key}'s entry stale, if it holds one: the next read still gets it at
	 * once, and revalidates it in the background. Gentler than {@link #invalidate} when
	 * the entry may be out of date but is still the best answer should the upstream
	 * refuse (a rate limit). A load in flight is dropped as by {@link #invalidate}: it
	 * may have been answered before what made the entry stale, and there is no entry yet
	 * to serve meanwhile.
	 */
	public void markStale(K key) {
		this.cache.asMap().computeIfPresent(key, (k, present) -> {
			if (!present.isDone()) {
				return null;
			}
			if (present.isCompletedExceptionally()) {
				return present;
			}
			Entry<V> entry = present.join();
			long staleSince = Math.min(entry.loadedAt(), this.ticker.read() - this.freshNanos);
			return CompletableFuture.completedFuture(new Entry<>(entry.value(), staleSince, false));
		});
	}

	/** {@link #markStale} for every key the cache holds. */
	public void markAllStale() {
		this.cache.asMap().keySet().forEach(this::markStale);
	}

	public void invalidate(K key) {
		this.cache.synchronous().invalidate(key);
		// after the entry: see rememberWhileHeld
		this.failures.invalidate(key);
	}

	/**
	 * Drops every entry. A load whose callers all cancelled keeps running (see
	 * {@link #get}), and so does a revalidation, so the result completes only once the
	 * loads and revalidations in flight at this call have settled, whatever their
	 * outcome: after it, nothing this cache started earlier still reaches an upstream,
	 * and none of their outcomes was kept.
	 */
	public CompletableFuture<Void> invalidateAll() {
		CompletableFuture<?>[] loads = this.cache.asMap()
			.values()
			.stream()
			.filter((load) -> !load.isDone())
			.map((load) -> load.handle((entry, error) -> null))
			.toArray(CompletableFuture[]::new);
		CompletableFuture<Void> revalidated = this.revalidations.callsEnded().toFuture();
		this.cache.synchronous().invalidateAll();
		// after the entries: see rememberWhileHeld
		this.failures.invalidateAll();
		return CompletableFuture.allOf(CompletableFuture.allOf(loads), revalidated);
	}

	private Cached<V> served(K key, Entry<V> entry, Supplier<Mono<V>> loader) {
		long ttl = ttl(entry);
		if (this.ticker.read() - entry.loadedAt() < this.freshNanos) {
			this.meters.count(this.name, Lookup.Outcome.HIT);
			return new Cached<>(entry.value(), new Lookup(Lookup.Outcome.HIT, ttl));
		}
		if (recentFailure(key) == null) {
			revalidate(key, entry, loader);
		}
		Lookup.Outcome outcome = entry.revalidationFailed() ? Lookup.Outcome.STALE_AFTER_ERROR : Lookup.Outcome.STALE;
		this.meters.count(this.name, outcome);
		return new Cached<>(entry.value(), new Lookup(outcome, ttl));
	}

	/**
	 * Starts a background load unless one for {@code key} is already in flight. Fire and
	 * forget by design: the caller already has its stale answer, and the single flight
	 * runs the load to its end without a subscriber. The result is applied inside the
	 * flight, so the key is free again only once the cache holds the outcome. Run
	 * {@code inBackground}: one refused for want of call budget fails as an outage does,
	 * so the stale entry keeps serving and the next stale read tries again.
	 */
	private void revalidate(K key, Entry<V> stale, Supplier<Mono<V>> loader) {
		this.revalidations.join(key,
				() -> this.inBackground.apply(loader.get())
					.map((value) -> new Entry<>(value, this.ticker.read(), false))
					.doOnNext((fresh) -> replaceIfStillStale(key, stale, fresh))
					.doOnError((error) -> keepOrDropAfterFailure(key, stale, error))
					.onErrorComplete());
	}

	private void replaceIfStillStale(K key, Entry<V> stale, Entry<V> fresh) {
		CompletableFuture<Entry<V>> current = stillStale(key, stale);
		if (current != null) {
			this.cache.asMap().replace(key, current, CompletableFuture.completedFuture(fresh));
		}
	}

	private void keepOrDropAfterFailure(K key, Entry<V> stale, Throwable error) {
		CompletableFuture<Entry<V>> current = stillStale(key, stale);
		if (current == null) {
			return;
		}
		rememberWhileHeld(key, current, error);
		// A refused caller's token too (never remembered): kept, the entry would answer
		// that caller's every read with the stale copy instead of the 401 that ends a
		// blocked user's session; dropped, each caller's next read loads with its own.
		if (isDefinitive(error)) {
			this.cache.asMap().remove(key, current);
		}
		else {
			reportRevalidationFailure(error);
			this.cache.asMap().replace(key, current, CompletableFuture.completedFuture(stale.withRevalidationFailed()));
		}
	}

	private void reportRevalidationFailure(Throwable error) {
		long count = this.revalidationFailures.count();
		if (count > 0) {
			log.warn("{} revalidation failed: {}; stale entries served meanwhile ({} since the last report)", this.name,
					error.getClass().getSimpleName(), count);
		}
	}

	/**
	 * The cache's future for {@code key} if it still holds {@code stale}; {@code null}
	 * when a write-through or an eviction happened meanwhile, which wins over the
	 * revalidation.
	 */
	private @Nullable CompletableFuture<Entry<V>> stillStale(K key, Entry<V> stale) {
		CompletableFuture<Entry<V>> current = this.cache.getIfPresent(key);
		if (current == null || !current.isDone() || current.isCompletedExceptionally() || current.join() != stale) {
			return null;
		}
		return current;
	}

	/** Runs {@code loader} into {@code load}, the future the cache holds for it. */
	private void load(K key, Supplier<Mono<V>> loader, CompletableFuture<Entry<V>> load) {
		Mono.defer(loader)
			.map((value) -> new Entry<>(value, this.ticker.read(), false))
			// before the load's callers hear of it: a retry of theirs finds it
			.doOnError((error) -> rememberWhileHeld(key, load, error))
			.subscribe(load::complete, load::completeExceptionally, () -> load.complete(null));
	}

	/**
	 * Remembers {@code error} for {@code key} ({@link #isAboutTheKey}) only while the
	 * cache still holds the entry or load that {@code error} was the outcome of: an
	 * invalidation, a write-through or a clear since it began is newer than what the
	 * upstream told it. Each of those drops the entry before the failures, so one that
	 * comes between the check and the write is caught by the check after it.
	 */
	private void rememberWhileHeld(K key, CompletableFuture<Entry<V>> source, Throwable error) {
		if (!isAboutTheKey(error) || !holds(key, source)) {
			return;
		}
		Failure failure = new Failure(error, pause(error));
		this.failures.put(key, failure);
		if (!holds(key, source)) {
			this.failures.asMap().remove(key, failure);
		}
	}

	/**
	 * What the upstream said about this entry itself, and will say again if asked at
	 * once: a {@code 404} (the directory has no such user), a {@code 429} (this user's
	 * bucket is empty until the wait it named), or what the cache's owner names as such
	 * ({@code aboutTheEntry}: a record this service will not read). Not an outage (a
	 * {@code 5xx}, a timeout, an open circuit: the breaker already answers those without
	 * calling, and a user who retries once it is over must get through), nor a
	 * {@code 401} or a {@code 502} about the token the load ran with
	 * ({@link #isAboutTheCallersToken}, a token without {@code openid}).
	 */
	private boolean isAboutTheKey(Throwable error) {
		int status = status(error);
		return status == HttpStatus.NOT_FOUND.value() || status == HttpStatus.TOO_MANY_REQUESTS.value()
				|| this.aboutTheEntry.test(error);
	}

	/**
	 * A 401: the upstream refused the token the load ran with, one caller's (the first to
	 * miss, or the stale read that started the revalidation). The entry serves every
	 * device of the user, each with a token of its own, so this is not remembered for the
	 * key: the next caller loads with its own. A revalidation refused so drops the entry
	 * all the same ({@link #isDefinitive}): the token's owner may be blocked, and her
	 * next read must get the refusal, not the stale copy; another device's reloads it.
	 * One caller's refused tokens are bounded by that caller's upstream share
	 * ({@code me.CallerUpstreamShare}).
	 */
	private static boolean isAboutTheCallersToken(Throwable error) {
		return status(error) == HttpStatus.UNAUTHORIZED.value();
	}

	private @Nullable Failure recentFailure(K key) {
		return this.failures.getIfPresent(key);
	}

	/**
	 * The wait the failure's answer names, else the configured pause; at most the
	 * longest.
	 */
	private Duration pause(Throwable error) {
		Duration named = namedWait(error);
		if (named == null) {
			return this.failedLoadPause;
		}
		return (named.compareTo(LONGEST_PAUSE) < 0) ? named : LONGEST_PAUSE;
	}

	private static @Nullable Duration namedWait(Throwable error) {
		String retryAfter = (error instanceof ErrorResponseException response)
				? response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER) : null;
		if (retryAfter == null) {
			return null;
		}
		try {
			long seconds = Long.parseLong(retryAfter.trim());
			return (seconds > 0) ? Duration.ofSeconds(seconds) : null;
		}
		catch (NumberFormatException notSeconds) {
			return null;
		}
	}

	/**
	 * A 4xx (the user was deleted, say; the caller's token refused) is an answer: serving
	 * the old entry any longer would be a lie. A 429 is not: it says "not now", nothing
	 * about the data.
	 */
	private static boolean isDefinitive(Throwable error) {
		int status = status(error);
		return status >= 400 && status < 500 && status != HttpStatus.TOO_MANY_REQUESTS.value();
	}

	/** The status the failure answers with; 0 for one that is no answer of ours. */
	private static int status(Throwable error) {
		return (error instanceof ErrorResponseException response) ? response.getStatusCode().value() : 0;
	}

	private long ttl(Entry<V> entry) {
		long remaining = this.freshNanos - (this.ticker.read() - entry.loadedAt());
		return Math.floorDiv(remaining, 1_000_000_000L);
	}

	/** A failed load's answer, given again for {@code pause}. */
	private record Failure(Throwable error, Duration pause) {

	}

	record Entry<V>(V value, long loadedAt, boolean revalidationFailed) {

		Entry<V> withRevalidationFailed() {
			return new Entry<>(this.value, this.loadedAt, true);
		}

	}

	/** Every entry lives {@code fresh + stale} from its load, however it was written. */
	private record EntryExpiry<V>(long lifeNanos) implements Expiry<Object, Entry<V>> {

		@Override
		public long expireAfterCreate(Object key, Entry<V> entry, long currentTime) {
			return Math.max(0, entry.loadedAt() + this.lifeNanos - currentTime);
		}

		@Override
		public long expireAfterUpdate(Object key, Entry<V> entry, long currentTime, long currentDuration) {
			return expireAfterCreate(key, entry, currentTime);
		}

		@Override
		public long expireAfterRead(Object key, Entry<V> entry, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
