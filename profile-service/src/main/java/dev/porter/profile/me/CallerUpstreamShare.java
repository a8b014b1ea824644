package dev.porter.profile.me;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import reactor.core.publisher.Mono;

import dev.porter.profile.problem.CallerRateLimitedException;

import org.springframework.stereotype.Component;

/**
 * One caller's ({@code sub}'s) share of the upstream budgets every user shares: the
 * tenant's Management API (16 calls a second) and this instance's {@code /userinfo} (50).
 * Spent only by work that goes upstream for her: a load or a revalidation of one of her
 * cache entries, and each change she sends; her requests themselves are bounded by
 * {@link CallerRateLimiter}, at a rate (50 a second) that would let one user's loop spend
 * the tenant's budget for everyone. Over her share a request gets {@code 429} (a
 * revalidation is not made: the stale entry serves).
 * <p>
 * A generic cell rate, as {@code upstream.SharedCallBudget}'s: {@code limitForPeriod}
 * calls at once, then one every {@code period / limitForPeriod}, on the caches' ticker.
 * Per instance; idle callers are forgotten.
 */
@Component
class CallerUpstreamShare {

	private final int limitForPeriod;

	private final Duration period;

	private final long periodNanos;

	private final long intervalNanos;

	private final Ticker ticker;

	/** Per caller, when her next call would be due were calls spaced evenly. */
	private final Cache<String, AtomicLong> theoreticalArrivals;

	CallerUpstreamShare(ApiProperties properties, Ticker ticker) {
		this.limitForPeriod = properties.callerUpstreamLimitForPeriod();
		this.period = properties.callerUpstreamLimitPeriod();
		this.periodNanos = this.period.toNanos();
		this.intervalNanos = this.periodNanos / this.limitForPeriod;
		this.ticker = ticker;
		// a caller idle for a period has her whole share again: forgetting her is the
		// same
		this.theoreticalArrivals = Caffeine.newBuilder()
			.ticker(ticker)
			.maximumSize(100_000)
			.expireAfterAccess(this.period)
			.build();
	}

	/** {@code call}, once it has spent one call of {@code sub}'s share. */
	<T> Mono<T> spending(String sub, Mono<T> call) {
		return Mono.defer(() -> {
			spend(sub);
			return call;
		});
	}

	/**
	 * Spends one call of {@code sub}'s share, or throws a 429 naming it and when the next
	 * call is free.
	 */
	void spend(String sub) {
		long now = this.ticker.read();
		AtomicLong arrival = this.theoreticalArrivals.get(sub, (key) -> new AtomicLong(now));
		while (true) {
			long due = arrival.get();
			long from = (due - now > 0) ? due : now;
			long wait = from + this.intervalNanos - this.periodNanos - now;
			if (wait > 0) {
				throw CallerRateLimitedException.overUpstreamShare(this.limitForPeriod, this.period,
						Duration.ofNanos(wait));
			}
			if (arrival.compareAndSet(due, from + this.intervalNanos)) {
				return;
			}
		}
	}

}
