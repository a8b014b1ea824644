package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.porter.gateway.cache.Caches;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The directory of one gateway process, by session key. A user's entries are found by a
 * scan: the in-memory store holds at most {@code SESSION_MAX} sessions, and entries of
 * ended sessions expire by the {@link SessionDirectoryRetention}. Logins faster than that
 * retention (a script, a load test) are bounded too: one user keeps at most
 * {@code maxPerUser} entries (recording past it forgets their least recently seen), so no
 * user's logins push another user's entries out; past {@code maxEntries} in all, some
 * entries are evicted, and their sessions are missing from their user's list (and limit)
 * rather than the process running out of memory.
 */
class InMemorySessionDirectory implements SessionDirectory {

	private final Cache<SessionKey, DirectoryEntry> entries;

	private final int maxPerUser;

	InMemorySessionDirectory(SessionDirectoryRetention retention, long maxEntries, int maxPerUser, Clock clock) {
		this.maxPerUser = maxPerUser;
		this.entries = Caches.newBuilder()
			.maximumSize(maxEntries)
			.ticker(Caches.ticker(clock))
			.expireAfter(new RetentionExpiry(retention, clock))
			.build();
	}

	@Override
	public Mono<Void> record(DirectoryEntry entry) {
		return Mono.fromRunnable(() -> {
			this.entries.put(entry.key(), entry);
			List<DirectoryEntry> own = this.entries.asMap()
				.values()
				.stream()
				.filter((kept) -> kept.sub().equals(entry.sub()))
				.sorted(Comparator.comparing(DirectoryEntry::lastSeenAt).thenComparing(DirectoryEntry::createdAt))
				.toList();
			own.subList(0, Math.max(0, own.size() - this.maxPerUser))
				.forEach((oldest) -> this.entries.invalidate(oldest.key()));
		});
	}

	@Override
	public Flux<DirectoryEntry> entriesOf(String sub) {
		return Flux.defer(() -> Flux.fromStream(
				this.entries.asMap().values().stream().filter((entry) -> entry.sub().equals(sub)).toList().stream()));
	}

	@Override
	public Mono<Void> seen(SessionKey key, Instant at) {
		return Mono.fromRunnable(() -> this.entries.asMap()
			.computeIfPresent(key, (same, entry) -> new DirectoryEntry(entry.key(), entry.sid(), entry.sub(),
					entry.createdAt(), at, entry.userAgent())));
	}

	@Override
	public Mono<Void> forget(SessionKey key, String sub) {
		return Mono.fromRunnable(() -> this.entries.invalidate(key));
	}

	/** Each entry lives until its retention ends, counted from its last use. */
	private record RetentionExpiry(SessionDirectoryRetention retention,
			Clock clock) implements Expiry<SessionKey, DirectoryEntry> {

		@Override
		public long expireAfterCreate(SessionKey key, DirectoryEntry entry, long currentTime) {
			return remaining(entry);
		}

		@Override
		public long expireAfterUpdate(SessionKey key, DirectoryEntry entry, long currentTime, long currentDuration) {
			return remaining(entry);
		}

		@Override
		public long expireAfterRead(SessionKey key, DirectoryEntry entry, long currentTime, long currentDuration) {
			return currentDuration;
		}

		private long remaining(DirectoryEntry entry) {
			Instant until = this.retention.retainUntil(entry.createdAt(), entry.lastSeenAt());
			return Math.max(0, Duration.between(this.clock.instant(), until).toNanos());
		}

	}

}
