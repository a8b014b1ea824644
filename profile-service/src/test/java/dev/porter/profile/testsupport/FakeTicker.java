package dev.porter.profile.testsupport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;

/** A cache clock the test moves. */
public final class FakeTicker implements Ticker {

	private final AtomicLong nanos = new AtomicLong(Duration.ofDays(1).toNanos());

	@Override
	public long read() {
		return this.nanos.get();
	}

	public void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
