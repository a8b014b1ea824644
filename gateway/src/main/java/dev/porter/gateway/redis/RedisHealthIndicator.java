package dev.porter.gateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.common.WallClockWaits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

/**
 * Readiness follows Redis: an instance that cannot reach the session store can serve no
 * signed-in user, so a load balancer should send traffic elsewhere. Liveness does not
 * (restarting the gateway brings Redis back no sooner). The failure is reported by type
 * only. Boot's own Redis indicator, which logs a stack trace on every probe, is excluded
 * with its auto-configuration.
 * <p>
 * Every event loop's connection must answer, not only the one the probe landed on: after
 * an outage each reconnects on its own schedule, and an instance that says it is ready
 * while one loop's connection is still down answers that loop's requests with a 503.
 * Redis must serve, not only be connected: while it is loading its data set or busy with
 * a long script it refuses every command ({@code DOWN} with Lettuce's
 * {@code RedisLoadingException} or {@code RedisBusyException}). And each must be
 * connected to a primary: after a failover that left the old primary running as a
 * replica, it answers reads and refuses every write ({@code DOWN} with
 * {@link ConnectedToReplicaException} while it is one). A Redis in cluster mode, which
 * answers most keys' commands with {@code MOVED} or {@code CROSSSLOT}, is never ready
 * ({@code DOWN} with {@link UnusableRedisModeException}).
 * <p>
 * A check stands for {@link #STANDS_FOR}, and probes meanwhile (or while it runs) get its
 * outcome: anyone may probe {@code /readyz} on the public port, and a round of commands
 * per probe made it an amplifier against Redis. Boot's health cache does not serve the
 * probes' group paths. Readiness still follows Redis within about a second, also after
 * the clock stepped back ({@link WallClockWaits}).
 */
class RedisHealthIndicator implements ReactiveHealthIndicator {

	static final Duration STANDS_FOR = Duration.ofSeconds(1);

	private final EventLoopLettuceConnectionFactory connections;

	private final Duration timeout;

	private final Clock clock;

	private final AtomicReference<@Nullable Check> last = new AtomicReference<>();

	RedisHealthIndicator(EventLoopLettuceConnectionFactory connections, Duration timeout, Clock clock) {
		this.connections = connections;
		this.timeout = timeout;
		this.clock = clock;
	}

	@Override
	public Mono<Health> health() {
		return Mono.defer(() -> {
			Instant now = this.clock.instant();
			Check last = this.last.get();
			if (last != null && !WallClockWaits.left(now, last.standsUntil(), STANDS_FOR).isZero()) {
				return last.outcome();
			}
			Check next = new Check(now.plus(STANDS_FOR), check().cache());
			return this.last.compareAndSet(last, next) ? next.outcome() : health();
		});
	}

	private Mono<Health> check() {
		return this.connections.checkEachConnection()
			.timeout(this.timeout)
			.thenReturn(Health.up().build())
			.onErrorResume((ex) -> Mono.just(Health.down().withDetail("error", ex.getClass().getName()).build()));
	}

	/**
	 * A check started at {@code standsUntil - STANDS_FOR}; its outcome, once known, kept.
	 */
	private record Check(Instant standsUntil, Mono<Health> outcome) {
	}

}
