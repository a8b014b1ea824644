package dev.porter.profile.me;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import dev.porter.profile.cache.CacheMeters;
import dev.porter.profile.cache.Cached;
import dev.porter.profile.cache.InvalidationBus;
import dev.porter.profile.cache.Lookup;
import dev.porter.profile.cache.SwrCache;
import dev.porter.profile.cache.CacheProperties;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.problem.ChangeNotConfirmedException;
import dev.porter.profile.problem.UserNotFoundException;
import dev.porter.profile.upstream.BackgroundCall;
import dev.porter.profile.upstream.UpstreamFailures;
import dev.porter.profile.upstream.WriteAttempts;
import dev.porter.profile.userinfo.Userinfo;

import org.springframework.stereotype.Component;

/**
 * The two caches of the design: {@code /userinfo} per (sub, scopes), the directory user
 * per sub. A directory change made here is written through when it is known to be the
 * latest, and announced on the {@link InvalidationBus}, so that the other instances drop
 * their copy.
 */
@Component
public class ProfileCaches {

	private final SwrCache<UserinfoKey, Userinfo> userinfo;

	private final SwrCache<String, DirectoryUser> directory;

	private final InvalidationBus directoryBus;

	private final DirectoryWrites writes = new DirectoryWrites();

	/**
	 * How long after it was given up a change may still land at the directory: a request
	 * Auth0 received applies within seconds, whether or not we waited for its answer.
	 */
	static final Duration WRITE_SETTLES_WITHIN = Duration.ofSeconds(30);

	/**
	 * When a user's entry is dropped once more ({@link #unsettle}), and every entry made
	 * stale once more ({@link #directoryMayHaveChangedElsewhere}).
	 */
	private final SettleTimers settling;

	private static final Runnable NOTHING = () -> {
	};

	ProfileCaches(CacheProperties properties, Ticker ticker, MeterRegistry registry, InvalidationBus directoryBus) {
		this.directoryBus = directoryBus;
		CacheMeters meters = new CacheMeters(registry);
		CacheProperties.Spec u = properties.userinfo();
		CacheProperties.Spec d = properties.directory();
		this.userinfo = new SwrCache<>("userinfo", u.freshFor(), u.staleFor(), properties.failedLoadPause(),
				u.maximumSize(), ticker, ForkJoinPool.commonPool(), meters, UpstreamFailures::aboutTheEntryAlone,
				BackgroundCall::of);
		this.directory = new SwrCache<>("directory", d.freshFor(), d.staleFor(), properties.failedLoadPause(),
				d.maximumSize(), ticker, ForkJoinPool.commonPool(), meters, UpstreamFailures::aboutTheEntryAlone,
				BackgroundCall::of);
		this.settling = new SettleTimers(WRITE_SETTLES_WITHIN, ticker, d.maximumSize(),
				WRITE_SETTLES_WITHIN.plus(d.freshFor()).plus(d.staleFor()));
	}

	SwrCache<UserinfoKey, Userinfo> userinfo() {
		return this.userinfo;
	}

	SwrCache<String, DirectoryUser> directory() {
		return this.directory;
	}

	/**
	 * {@code sub}'s directory user through the cache, after dropping an entry read before
	 * a change of hers that may have landed since ({@link #unsettle}), and making every
	 * entry stale once changes that went unheard have surely landed
	 * ({@link #directoryMayHaveChangedElsewhere}).
	 */
	Mono<Cached<DirectoryUser>> directoryUser(String sub, Supplier<Mono<DirectoryUser>> load) {
		if (this.settling.everyoneSettled()) {
			this.directory.markAllStale();
		}
		if (this.settling.settled(sub)) {
			this.directory.invalidate(sub);
		}
		return this.directory.get(sub, load);
	}

	/**
	 * A change of {@code sub} may still land (it timed out here, or it was made on
	 * another instance, which may have timed out too): whatever is read of her until then
	 * is dropped once it has surely settled.
	 */
	private void unsettle(String sub) {
		this.settling.unsettle(sub);
	}

	/**
	 * Runs {@code change} of {@code sub}'s directory entry and brings the caches in line
	 * with its outcome, then tells the other instances:
	 * <ul>
	 * <li>confirmed, with nothing else changing the user meanwhile: the user it returned
	 * is written through;</li>
	 * <li>confirmed, but with a user larger than this service reads (another client grew
	 * her record): nothing to write through, and what is cached of her is older than the
	 * change, so the entry is dropped; the result completes empty;</li>
	 * <li>confirmed but overlapped by another change or a read past the cache (see
	 * {@link DirectoryWrites}), or failed after an attempt that may have applied it (a
	 * timeout, a 5xx: see {@link WriteAttempts}): the entry is dropped, so that the next
	 * read asks the directory, and once more when a change given up has surely landed
	 * ({@link #WRITE_SETTLES_WITHIN});</li>
	 * <li>failed with no attempt that could have changed anything (refused with a 4xx, or
	 * never sent): the caches stay as they are, and nobody is told (during an outage the
	 * entry keeps serving).</li>
	 * </ul>
	 * The result, the user with whether it was written through ({@link Lookup#stored}),
	 * completes once the other instances were told or that was given up (never an error
	 * of its own): waiting for it means a client that reads from another instance after
	 * this answer already sees the change whenever Redis is up and that instance's
	 * subscription live. One whose subscription was down misses it, and learns only that
	 * it may have missed something once it subscribes again
	 * ({@link #directoryMayHaveChangedElsewhere}): until then it serves what it cached,
	 * and then that once more, stale, while the read revalidates it. A failure after an
	 * attempt that may have applied the change tells the caller so
	 * ({@link ChangeNotConfirmedException}).
	 */
	Mono<Cached<DirectoryUser>> directoryChange(String sub, Mono<DirectoryUser> change) {
		return Mono.defer(() -> {
			DirectoryWrites.Write write = this.writes.start(sub);
			WriteAttempts attempts = new WriteAttempts();
			return change.single()
				.contextWrite(attempts::into)
				.flatMap((user) -> confirmed(write, user))
				.onErrorResume((ex) -> attempts.applied() ? confirmedUnread(write) : failed(write, attempts, ex)
					.then(Mono.error(attempts.mayHaveApplied() ? ChangeNotConfirmedException.of(ex) : ex)));
		});
	}

	private Mono<Cached<DirectoryUser>> confirmedUnread(DirectoryWrites.Write write) {
		Runnable drop = () -> this.directory.invalidate(write.sub());
		this.writes.end(write, drop, drop);
		return this.directoryBus.publish(write.sub()).then(Mono.empty());
	}

	private Mono<Cached<DirectoryUser>> confirmed(DirectoryWrites.Write write, DirectoryUser user) {
		boolean writtenThrough = this.writes.end(write, () -> this.directory.put(write.sub(), user),
				() -> this.directory.invalidate(write.sub()));
		return this.directoryBus.publish(write.sub()).thenReturn(new Cached<>(user, Lookup.forwarded(writtenThrough)));
	}

	/**
	 * Overlapped or not, a failed change leaves nothing to write through. The user is
	 * dropped everywhere when the change may have been applied, or when the directory
	 * said the user is gone (deleted meanwhile): her cached profile would be a lie.
	 */
	private Mono<Void> failed(DirectoryWrites.Write write, WriteAttempts attempts, Throwable ex) {
		boolean drops = attempts.mayHaveApplied() || ex instanceof UserNotFoundException;
		if (attempts.mayHaveApplied()) {
			unsettle(write.sub());
		}
		Runnable drop = drops ? () -> this.directory.invalidate(write.sub()) : NOTHING;
		this.writes.end(write, drop, drop);
		return drops ? this.directoryBus.publish(write.sub()) : Mono.empty();
	}

	/**
	 * Runs {@code read}, a read of {@code sub}'s user past the cache (the directory's
	 * user, against which a change's preconditions are evaluated), and caches what it
	 * returns as a write-through is: unless a change of her user began here or was
	 * announced from elsewhere while it ran (either may have landed after the read:
	 * {@link DirectoryWrites}), then her entry is dropped. So the {@code GET /me} a
	 * client makes next (after a 412 it is told to read {@code /me} again) answers the
	 * version it was just given, without another Management API call. A read that fails
	 * or is cancelled leaves the cache as it was.
	 */
	Mono<DirectoryUser> directoryRead(String sub, Mono<DirectoryUser> read) {
		return Mono.defer(() -> {
			DirectoryWrites.Write write = this.writes.start(sub);
			AtomicBoolean ended = new AtomicBoolean();
			return read.doOnNext((user) -> {
				if (ended.compareAndSet(false, true)) {
					this.writes.end(write, () -> this.directory.put(sub, user), () -> this.directory.invalidate(sub));
				}
			}).doFinally((signal) -> {
				if (ended.compareAndSet(false, true)) {
					this.writes.end(write, NOTHING, NOTHING);
				}
			});
		});
	}

	/**
	 * Tells the other instances to drop their entry of {@code sub}: a read past the cache
	 * found a client's copy of her profile out of date, or answered a version theirs may
	 * be older than (another Auth0 client changed her, or an announcement was lost), so
	 * that the client's next {@code GET /me}, wherever it lands, answers what the
	 * directory has. Completes as {@link InvalidationBus#publish} does, never with an
	 * error.
	 */
	Mono<Void> dropElsewhere(String sub) {
		return this.directoryBus.publish(sub);
	}

	/**
	 * Another instance changed this user: the next read here loads it afresh, and a
	 * change of it in flight here will not be written through.
	 */
	void directoryChangedElsewhere(String sub) {
		unsettle(sub);
		this.writes.changedElsewhere(sub, () -> this.directory.invalidate(sub));
	}

	/**
	 * Other instances may have changed any user unheard (this instance's subscription was
	 * down): the change made elsewhere could be older or newer than any read or change
	 * here. So no change in flight here is written through, every entry is made stale
	 * (served once more while its next read revalidates it; dropped, it would leave
	 * nothing to serve should the directory fail meanwhile), and once more when a change
	 * given up elsewhere before now has surely landed ({@link #WRITE_SETTLES_WITHIN}), as
	 * {@link #unsettle} does for one user.
	 */
	void directoryMayHaveChangedElsewhere() {
		this.writes.changedElsewhereAll();
		this.directory.markAllStale();
		this.settling.unsettleEveryone();
	}

	/**
	 * Drops every entry (operations and tests); completes once the loads that were in
	 * flight have settled, so that none of them reaches an upstream afterwards.
	 */
	public Mono<Void> clear() {
		this.settling.clear();
		return Mono.fromFuture(CompletableFuture.allOf(this.userinfo.invalidateAll(), this.directory.invalidateAll()));
	}

}
