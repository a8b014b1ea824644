package dev.porter.profile.me;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.jspecify.annotations.Nullable;

/**
 * When what was read of a directory user is dropped or made stale once more: a change
 * given up (here, or on another instance) may still land after a read cached the user as
 * she was, until {@code settlesWithin} has passed. One timer per user, for the changes
 * heard of, and one for everyone, for changes that may have gone unheard. Each fires
 * once, at the first read past its time.
 */
final class SettleTimers {

	private final Duration settlesWithin;

	private final Ticker ticker;

	/**
	 * Users whose entry is dropped once more when the ticker reaches the value. Bounded
	 * like the directory cache; an entry outlives the fresh and stale times only if never
	 * read.
	 */
	private final Cache<String, Long> unsettled;

	/** When every entry is made stale once more; {@code null} when none is due. */
	private final AtomicReference<@Nullable Long> everyoneSettlesAt = new AtomicReference<>();

	/**
	 * @param keptFor how long a user's timer is kept at most: past it, her entry has
	 * expired anyway
	 */
	SettleTimers(Duration settlesWithin, Ticker ticker, long maximumSize, Duration keptFor) {
		this.settlesWithin = settlesWithin;
		this.ticker = ticker;
		this.unsettled = Caffeine.newBuilder()
			.ticker(ticker)
			.maximumSize(maximumSize)
			.expireAfterWrite(keptFor)
			.build();
	}

	/** A change of {@code sub} may still land: her timer is set, or set again. */
	void unsettle(String sub) {
		this.unsettled.put(sub, this.ticker.read() + this.settlesWithin.toNanos());
	}

	/** Changes of anyone may still land: the timer for everyone is set, or set again. */
	void unsettleEveryone() {
		this.everyoneSettlesAt.set(this.ticker.read() + this.settlesWithin.toNanos());
	}

	/** Whether {@code sub}'s timer is due: true once, and the timer is gone. */
	boolean settled(String sub) {
		Long settledAt = this.unsettled.getIfPresent(sub);
		return settledAt != null && this.ticker.read() - settledAt >= 0
				&& this.unsettled.asMap().remove(sub, settledAt);
	}

	/** Whether the timer for everyone is due: true once, and the timer is gone. */
	boolean everyoneSettled() {
		Long everyoneAt = this.everyoneSettlesAt.get();
		return everyoneAt != null && this.ticker.read() - everyoneAt >= 0
				&& this.everyoneSettlesAt.compareAndSet(everyoneAt, null);
	}

	/** No timer is due any more. */
	void clear() {
		this.unsettled.invalidateAll();
		this.everyoneSettlesAt.set(null);
	}

}
