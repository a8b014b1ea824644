package dev.porter.gateway.cache;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Every cache of the gateway starts here. Caffeine tidies a cache (expiry, eviction, the
 * buffers it records reads and writes in) after writes and every few reads, and by
 * default hands that work to the JDK's common pool. Most of the gateway's caches are used
 * on every relayed request (the rate limit's window, the session's last use, its login,
 * the near cache), so a request woke a pool thread about every third time: another thread
 * to schedule on cores the event loops need, for a few microseconds of work
 * (docs/benchmarks.md, twelfth round). Done on the calling thread instead, the work is
 * the same and nothing is woken. A cache built here has no listener that could block.
 */
public final class Caches {

	private Caches() {
	}

	/** A Caffeine builder whose upkeep runs on the thread that uses the cache. */
	public static Caffeine<Object, Object> newBuilder() {
		return Caffeine.newBuilder().executor(Runnable::run);
	}

	/**
	 * Caffeine's time read from {@code clock}, so that a cache's expiry follows the
	 * gateway's clock (and a test's virtual one) as its other time decisions do.
	 */
	public static Ticker ticker(Clock clock) {
		return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
	}

}
