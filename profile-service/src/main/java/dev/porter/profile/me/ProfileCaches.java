package dev.porter.profile.me;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import dev.porter.profile.cache.CacheMeters;
import dev.porter.profile.cache.InvalidationBus;
import dev.porter.profile.cache.SwrCache;
import dev.porter.profile.cache.CacheProperties;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.problem.UserNotFoundException;
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

	private static final Runnable NOTHING = () -> {
	};

	ProfileCaches(CacheProperties properties, Ticker ticker, MeterRegistry registry, InvalidationBus directoryBus) {
		this.directoryBus = directoryBus;
		CacheMeters meters = new CacheMeters(registry);
		CacheProperties.Spec u = properties.userinfo();
		CacheProperties.Spec d = properties.directory();
		this.userinfo = new SwrCache<>("userinfo", u.freshFor(), u.staleFor(), u.maximumSize(), ticker,
				ForkJoinPool.commonPool(), meters);
		this.directory = new SwrCache<>("directory", d.freshFor(), d.staleFor(), d.maximumSize(), ticker,
				ForkJoinPool.commonPool(), meters);
	}

	SwrCache<UserinfoKey, Userinfo> userinfo() {
		return this.userinfo;
	}

	SwrCache<String, DirectoryUser> directory() {
		return this.directory;
	}

	/**
	 * Runs {@code change} of {@code sub}'s directory entry and brings the caches in line
	 * with its outcome, then tells the other instances:
	 * <ul>
	 * <li>confirmed, with nothing else changing the user meanwhile: the user it returned
	 * is written through;</li>
	 * <li>confirmed but overlapped by another change (see {@link DirectoryWrites}), or
	 * failed after an attempt that may have applied it (a timeout, a 5xx: see
	 * {@link WriteAttempts}): the entry is dropped, so that the next read asks the
	 * directory;</li>
	 * <li>failed with no attempt that could have changed anything (refused with a 4xx, or
	 * never sent): the caches stay as they are, and nobody is told (during an outage the
	 * entry keeps serving).</li>
	 * </ul>
	 * The result completes once the other instances were told or that was given up (never
	 * an error of its own): waiting for it means a client that reads from another
	 * instance after this answer already sees the change whenever Redis is up.
	 */
	Mono<DirectoryUser> directoryChange(String sub, Mono<DirectoryUser> change) {
		return Mono.defer(() -> {
			DirectoryWrites.Write write = this.writes.start(sub);
			WriteAttempts attempts = new WriteAttempts();
			return change.single()
				.contextWrite(attempts::into)
				.flatMap((user) -> confirmed(write, user).thenReturn(user))
				.onErrorResume((ex) -> failed(write, attempts, ex).then(Mono.error(ex)));
		});
	}

	private Mono<Void> confirmed(DirectoryWrites.Write write, DirectoryUser user) {
		this.writes.end(write, () -> this.directory.put(write.sub(), user),
				() -> this.directory.invalidate(write.sub()));
		return this.directoryBus.publish(write.sub());
	}

	/**
	 * Overlapped or not, a failed change leaves nothing to write through. The user is
	 * dropped everywhere when the change may have been applied, or when the directory
	 * said the user is gone (deleted meanwhile): her cached profile would be a lie.
	 */
	private Mono<Void> failed(DirectoryWrites.Write write, WriteAttempts attempts, Throwable ex) {
		boolean drops = attempts.mayHaveApplied() || ex instanceof UserNotFoundException;
		Runnable drop = drops ? () -> this.directory.invalidate(write.sub()) : NOTHING;
		this.writes.end(write, drop, drop);
		return drops ? this.directoryBus.publish(write.sub()) : Mono.empty();
	}

	/**
	 * Another instance changed this user: the next read here loads it afresh, and a
	 * change of it in flight here will not be written through.
	 */
	void directoryChangedElsewhere(String sub) {
		this.writes.changedElsewhere(sub, () -> this.directory.invalidate(sub));
	}

	/**
	 * Drops every entry (operations and tests); completes once the loads that were in
	 * flight have settled, so that none of them reaches an upstream afterwards.
	 */
	public Mono<Void> clear() {
		return Mono.fromFuture(CompletableFuture.allOf(this.userinfo.invalidateAll(), this.directory.invalidateAll()));
	}

}
