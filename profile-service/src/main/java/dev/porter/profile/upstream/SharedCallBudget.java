package dev.porter.profile.upstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.porter.common.RedisRefusals;
import dev.porter.common.WallClockWaits;
import dev.porter.profile.redis.RedisConnections;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveScriptingCommands;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A budget every instance spends together, kept in Redis: Auth0's Management API limit is
 * the tenant's, so N instances each holding the whole budget would send N times it, and
 * the 429s that follow would count on every instance's breaker.
 * <p>
 * The budget is a generic cell rate (GCRA) in one Redis key: up to {@code limitForPeriod}
 * calls at once, then one every {@code period / limitForPeriod}. A call that would have
 * to wait longer than {@code maxWait} is refused and reserves nothing. Time is Redis's
 * own ({@code TIME} in the script): with each instance's clock, one running seconds ahead
 * pushed the budget out of the others' reach.
 * <p>
 * Redis is never needed to answer: when it fails, this instance spends its own budget
 * ({@code local}) for a second before asking Redis again, so an unreachable Redis costs
 * one {@code REDIS_TIMEOUT} a second, not one per call, and never a thread of the
 * caller's.
 */
public final class SharedCallBudget implements CallBudget {

	static final String PREFIX = "porter:profile:budget:";

	private static final Duration LOCAL_AFTER_FAILURE = Duration.ofSeconds(1);

	/**
	 * The wait in microseconds before the call may go, having reserved its place; -1 when
	 * it would exceed the longest wait (nothing reserved). KEYS[1]: the theoretical
	 * arrival time. ARGV: interval between calls, period, longest wait (all µs). Numbers
	 * are written with %.0f: Lua's default format rounds a µs timestamp.
	 */
	private static final RedisScript<Long> RESERVE = RedisScript.of("""
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
			local interval = tonumber(ARGV[1])
			local period = tonumber(ARGV[2])
			local tat = tonumber(redis.call('GET', KEYS[1]) or now)
			if tat < now then tat = now end
			local wait = tat + interval - period - now
			if wait < 0 then wait = 0 end
			if wait > tonumber(ARGV[3]) then return -1 end
			local later = tat + interval
			redis.call('SET', KEYS[1], string.format('%.0f', later), 'PX',
			  string.format('%.0f', math.ceil((later - now) / 1000) + 1000))
			return wait""", Long.class);

	private static final Logger log = LoggerFactory.getLogger(SharedCallBudget.class);

	private final String key;

	private final ReactiveRedisConnectionFactory redis;

	private final LocalCallBudget local;

	private final long intervalMicros;

	private final long periodMicros;

	private final long maxWaitMicros;

	private final Duration redisTimeout;

	private final Clock clock;

	/** Until when this instance spends its own budget; null: Redis answered last. */
	private final AtomicReference<Instant> localUntil = new AtomicReference<>();

	/**
	 * @param name the upstream, naming the Redis key every instance shares
	 * @param local this instance's own budget, spent while Redis fails
	 * @param limitForPeriod calls per period, for all instances together
	 * @param maxWait how long a call may wait for budget
	 * @param redisTimeout the longest a call waits for Redis ({@code REDIS_TIMEOUT}),
	 * connecting included
	 * @param clock when Redis may be asked again after it failed
	 */
	public SharedCallBudget(String name, ReactiveRedisConnectionFactory redis, LocalCallBudget local,
			int limitForPeriod, Duration period, Duration maxWait, Duration redisTimeout, Clock clock) {
		this.key = PREFIX + name;
		this.redis = redis;
		this.local = local;
		this.periodMicros = micros(period);
		this.intervalMicros = Math.max(1, this.periodMicros / limitForPeriod);
		this.maxWaitMicros = micros(maxWait);
		this.redisTimeout = redisTimeout;
		this.clock = clock;
	}

	@Override
	public Mono<Void> spend() {
		return spend(this.maxWaitMicros, this.local::spend);
	}

	/** As {@link #spend}, with no wait: the script reserves a place only if it is now. */
	@Override
	public Mono<Void> spendNow() {
		return spend(0, this.local::spendNow);
	}

	private Mono<Void> spend(long maxWaitMicros, Supplier<Mono<Void>> ownBudgetSpend) {
		return Mono.defer(() -> {
			if (onOwnBudget()) {
				return ownBudgetSpend.get();
			}
			return reserve(maxWaitMicros)
				.flatMap((wait) -> wait.isZero() ? Mono.<Void>empty() : Mono.delay(wait).then())
				.onErrorResume((ex) -> !(ex instanceof RequestNotPermitted), (ex) -> {
					redisFailed(ex);
					return ownBudgetSpend.get();
				});
		});
	}

	/**
	 * Whether Redis failed less than {@link #LOCAL_AFTER_FAILURE} ago. An end further
	 * ahead than that means the wall clock stepped back (a VM restored, NTP): it is taken
	 * as passed ({@link WallClockWaits}), or each instance would spend the tenant's whole
	 * budget of its own for as long as the step.
	 */
	private boolean onOwnBudget() {
		Instant until = this.localUntil.get();
		return until != null && !WallClockWaits.left(this.clock.instant(), until, LOCAL_AFTER_FAILURE).isZero();
	}

	/** As {@link #reserve(long)}, with the configured longest wait (tests). */
	Mono<Duration> reserve() {
		return reserve(this.maxWaitMicros);
	}

	/**
	 * Reserves one call's place: the wait before it may go, or
	 * {@code RequestNotPermitted} when that wait would exceed {@code maxWaitMicros}. The
	 * caller waits for Redis no longer than {@code redisTimeout}, connecting included.
	 */
	private Mono<Duration> reserve(long maxWaitMicros) {
		return Mono
			.usingWhen(RedisConnections.open(this.redis), (connection) -> reserveOn(connection, maxWaitMicros),
					ReactiveRedisConnection::closeLater)
			.timeout(this.redisTimeout)
			.flatMap((wait) -> {
				redisAnswered();
				return (wait < 0) ? Mono.error(RequestNotPermitted.createRequestNotPermitted(this.local.limiter()))
						: Mono.just(Duration.of(wait, ChronoUnit.MICROS));
			});
	}

	/** Runs the script by its digest, sending it whole only when Redis lacks it. */
	private Mono<Long> reserveOn(ReactiveRedisConnection connection, long maxWaitMicros) {
		ReactiveScriptingCommands scripts = connection.scriptingCommands();
		return scripts.<Long>evalSha(RESERVE.getSha1(), ReturnType.INTEGER, 1, keyAndArgs(maxWaitMicros))
			.onErrorResume(SharedCallBudget::scriptNotLoaded,
					(ex) -> scripts.eval(bytes(RESERVE.getScriptAsString()), ReturnType.INTEGER, 1,
							keyAndArgs(maxWaitMicros)))
			.next();
	}

	private ByteBuffer[] keyAndArgs(long maxWaitMicros) {
		return new ByteBuffer[] { bytes(this.key), bytes(Long.toString(this.intervalMicros)),
				bytes(Long.toString(this.periodMicros)), bytes(Long.toString(maxWaitMicros)) };
	}

	/** Redis answered {@code NOSCRIPT}: it has not seen the script yet, or lost it. */
	private static boolean scriptNotLoaded(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	private static ByteBuffer bytes(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private void redisFailed(Throwable ex) {
		Instant previous = this.localUntil.getAndSet(this.clock.instant().plus(LOCAL_AFTER_FAILURE));
		if (previous == null) {
			log.warn("{}: Redis failed ({}{}); this instance spends its own budget until Redis answers", this.key,
					ex.getClass().getSimpleName(), RedisRefusals.describe(ex));
		}
	}

	private void redisAnswered() {
		if (this.localUntil.getAndSet(null) != null) {
			log.info("{}: Redis answers again; the budget is shared again", this.key);
		}
	}

	private static long micros(Duration duration) {
		return duration.toNanos() / 1_000;
	}

}
