package dev.porter.gateway.cache;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache's upkeep (here: its expiry, which reads the ticker) happens on the thread that
 * uses it, never on a pool thread woken for it.
 */
class CachesTests {

	/** The threads that read the cache's clock. */
	private final Set<String> readers = ConcurrentHashMap.newKeySet();

	@Test
	void newBuilderWhenUsedLikeARequestsRateLimitThenUpkeepOnTheCallingThreadOnly() {
		Cache<String, Integer> windows = Caches.newBuilder()
			.ticker(this::read)
			.expireAfterAccess(Duration.ofMinutes(2))
			.build();

		useLikeRequests(windows);

		assertThat(this.readers).containsOnly(Thread.currentThread().getName());
	}

	private void useLikeRequests(Cache<String, Integer> windows) {
		for (int i = 0; i < 1_000; i++) {
			windows.asMap().merge("alice", 1, Integer::sum);
		}
		// Whatever was handed to the pool has run once it is quiet.
		ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS);
	}

	private long read() {
		this.readers.add(Thread.currentThread().getName());
		return 0;
	}

}
