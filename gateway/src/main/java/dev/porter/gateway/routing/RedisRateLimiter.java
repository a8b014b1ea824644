package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.common.WallClockWaits;
import dev.porter.gateway.cache.Caches;
import dev.porter.common.OncePerInterval;
import dev.porter.common.RedisRefusals;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The per-user budget shared by all gateway instances: one Redis counter per user and
 * window, expiring with the window.
 * <p>
 * An instance takes the budget from Redis in shares rather than a request at a time: one
 * {@code INCRBY} reserves {@link #shareOf(int) a twentieth of the limit} (at most
 * {@value #MAX_SHARE}) for this instance, and requests spend it here without a round
 * trip. Once half a share is left the next is reserved in the background, so that a
 * steady stream of requests never waits for Redis; requests that find nothing left wait
 * for the one reservation on its way (one per user and instance at a time) rather than
 * each asking Redis. The counter therefore never grants more than the limit across all
 * instances; what one instance reserved and did not spend before the window ended is lost
 * to the others, so a user spread over {@code n} instances may be held to up to
 * {@code n - 1} times one and a half shares below the limit (with one instance, the limit
 * exactly). Once the counter has no budget left for the window, this instance turns the
 * user's requests away until the window ends without asking Redis again: a flood costs
 * Redis nothing. With a limit below forty, one share is one request, and none is reserved
 * ahead: every request asks Redis.
 * <p>
 * A Redis that refuses the counter's write while it still serves the sessions (full under
 * {@code noeviction}, a replica: {@link RedisRefusals#refusesWrites}) must not fail the
 * requests that have nothing else to write: this instance then grants each budget from a
 * {@link InMemoryRateLimiter budget of its own}, the limit per window as one process has,
 * and asks Redis again a second later (a refused round trip per request would gain
 * nothing). A user spread over {@code n} instances may then make up to {@code n} times
 * the limit, and once more what she had drawn from Redis in that window before it
 * refused. A Redis that does not answer at all serves no session either: its failure
 * reaches the request, the session store's {@code 503}.
 */
class RedisRateLimiter implements UserRateLimiter {

	static final int MAX_SHARE = 100;

	/** How long this instance keeps to its own budget before it asks Redis again. */
	static final Duration OWN_BUDGET_AFTER_REFUSAL = Duration.ofSeconds(1);

	/** The least time between two lines about Redis refusing, or taking, the count. */
	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	/**
	 * Reserves a share and gives the counter its expiry, at once: an expiry sent apart,
	 * after the first increment only, is never sent when that increment's reply is lost,
	 * and the counter, naming the user, would stay for good. KEYS: the counter; ARGV: the
	 * share, the window in milliseconds.
	 */
	private static final RedisScript<Long> RESERVE = RedisScript.of("""
			local count = redis.call('incrby', KEYS[1], ARGV[1])
			if redis.call('pttl', KEYS[1]) < 0 then
				redis.call('pexpire', KEYS[1], ARGV[2])
			end
			return count
			""", Long.class);

	private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

	private final ReactiveStringRedisTemplate redis;

	private final int limit;

	private final int share;

	private final Duration period;

	private final Clock clock;

	/** This instance's unspent budget per user, for the current window. */
	private final Cache<String, Share> shares;

	/** What this instance grants while Redis refuses the counter's write. */
	private final InMemoryRateLimiter own;

	/** Until when this instance grants from its own budget; null: Redis took the last. */
	private final AtomicReference<@Nullable Instant> ownUntil = new AtomicReference<>();

	private final OncePerInterval refusals;

	private final OncePerInterval recoveries;

	RedisRateLimiter(ReactiveStringRedisTemplate redis, int limit, Duration period, Clock clock) {
		this.redis = redis;
		this.limit = limit;
		this.share = shareOf(limit);
		this.period = period;
		this.clock = clock;
		this.shares = Caches.newBuilder().expireAfterAccess(period.multipliedBy(2)).maximumSize(100_000).build();
		this.own = new InMemoryRateLimiter(limit, period, clock);
		this.refusals = OncePerInterval.of(LOG_INTERVAL, clock);
		this.recoveries = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	/**
	 * What one round trip reserves: a twentieth of the limit, at least 1, at most 100.
	 */
	static int shareOf(int limit) {
		return Math.max(1, Math.min(limit / 20, MAX_SHARE));
	}

	@Override
	public Mono<Decision> consume(String user) {
		if (onOwnBudget()) {
			return this.own.consume(user);
		}
		return shared(user).onErrorResume(RedisRefusals::refusesWrites, (refusal) -> {
			refused(refusal);
			return this.own.consume(user);
		});
	}

	/** The decision on the budget all instances share in Redis. */
	private Mono<Decision> shared(String user) {
		long now = this.clock.millis();
		long windowStart = now - (now % this.period.toMillis());
		Share held = heldFor(user, windowStart);
		if (held.take()) {
			if (held.runningLow(this.share)) {
				reserve(user, held);
			}
			return Mono.just(Decision.allow());
		}
		if (held.exhausted()) {
			return Mono.just(new Decision(false, Duration.ofMillis(windowStart + this.period.toMillis() - now)));
		}
		// Spent: wait for the reservation, then try again (it may be spent by then too).
		return reserve(user, held).then(Mono.defer(() -> shared(user)));
	}

	/**
	 * Whether Redis refused the counter's write less than
	 * {@link #OWN_BUDGET_AFTER_REFUSAL} ago. An end further ahead than that was set
	 * before the wall clock stepped back, and has passed ({@link WallClockWaits}).
	 */
	private boolean onOwnBudget() {
		Instant until = this.ownUntil.get();
		return until != null && !WallClockWaits.left(this.clock.instant(), until, OWN_BUDGET_AFTER_REFUSAL).isZero();
	}

	/**
	 * Said when Redis first refuses, not again until it has taken a write, and at most
	 * once per {@link #LOG_INTERVAL} with a count: a Redis at its {@code maxmemory} frees
	 * some as keys expire, and takes and refuses writes in turn.
	 */
	private void refused(Throwable refusal) {
		Instant previous = this.ownUntil.getAndSet(this.clock.instant().plus(OWN_BUDGET_AFTER_REFUSAL));
		long times = (previous == null) ? this.refusals.count() : 0;
		if (times > 0) {
			log.warn("rate limit not counted in Redis{}: this instance grants each budget from its own,"
					+ " the limit per window, until Redis takes the count again; {} times since the last report",
					RedisRefusals.describe(refusal), times);
		}
	}

	/** Redis took a reservation: the budgets are shared again. */
	private void counted() {
		if (this.ownUntil.getAndSet(null) != null && this.recoveries.count() > 0) {
			log.info("rate limit counted in Redis again: the budgets are shared again");
		}
	}

	/** This instance's budget of the user's current window, empty when it begins. */
	private Share heldFor(String user, long windowStart) {
		Share held = this.shares.getIfPresent(user);
		if (held != null && held.window() == windowStart) {
			return held;
		}
		return this.shares.asMap()
			.compute(user, (name, current) -> (current != null && current.window() == windowStart) ? current
					: new Share(windowStart));
	}

	/**
	 * The reservation of the next share for {@code held}: the one on its way, or a new
	 * one. It runs to its end whoever waits for it, and adds what Redis granted to the
	 * share.
	 */
	private Mono<Void> reserve(String user, Share held) {
		while (true) {
			Mono<Void> pending = held.pending();
			if (pending != null) {
				return pending;
			}
			String key = "porter:rate:" + user + ":" + held.window();
			Mono<Void> reservation = this.redis
				.execute(RESERVE, List.of(key),
						List.of(Integer.toString(this.share), Long.toString(this.period.toMillis())))
				.next()
				.doOnNext((count) -> {
					counted();
					held.add(Math.max(0, Math.min(this.share, this.limit - (count - this.share))), count >= this.limit);
				})
				// before anyone waiting is told: they look again, and must not find it
				.doOnTerminate(held::reserved)
				.then()
				.cache();
			if (held.awaiting(reservation)) {
				// Runs whether or not a request waits for it (and one that gives up does
				// not cancel it); a failure reaches those waiting, and Redis's outage is
				// reported where it is noticed.
				reservation.subscribe(null, (failure) -> log.debug("Rate limit reservation failed", failure));
				return reservation;
			}
		}
	}

	/**
	 * What this instance may still admit of one user's window without asking Redis, the
	 * reservation on its way, and whether Redis has nothing more to give for that window.
	 */
	private static final class Share {

		private final long window;

		private final AtomicInteger left = new AtomicInteger();

		private final AtomicReference<@Nullable Mono<Void>> pending = new AtomicReference<>();

		private volatile boolean lastOne;

		Share(long window) {
			this.window = window;
		}

		long window() {
			return this.window;
		}

		/** Spends one request; false when none is left. */
		boolean take() {
			int current;
			do {
				current = this.left.get();
				if (current <= 0) {
					return false;
				}
			}
			while (!this.left.compareAndSet(current, current - 1));
			return true;
		}

		/** Nothing left here, and Redis has nothing more for the window. */
		boolean exhausted() {
			return this.lastOne && this.left.get() <= 0;
		}

		/**
		 * Half a share or less left, more to get, and none on its way. Never with shares
		 * of one: a request reserved ahead could be the other instances' last.
		 */
		boolean runningLow(int share) {
			return share > 1 && !this.lastOne && this.left.get() <= share / 2 && this.pending.get() == null;
		}

		@Nullable Mono<Void> pending() {
			return this.pending.get();
		}

		/** Whether {@code reservation} is now the one on its way (none was). */
		boolean awaiting(Mono<Void> reservation) {
			return this.pending.compareAndSet(null, reservation);
		}

		/**
		 * Redis granted {@code granted} more requests; {@code lastOne}: no more after.
		 */
		void add(long granted, boolean lastOne) {
			if (lastOne) {
				this.lastOne = true;
			}
			this.left.addAndGet((int) granted);
		}

		void reserved() {
			this.pending.set(null);
		}

	}

}
