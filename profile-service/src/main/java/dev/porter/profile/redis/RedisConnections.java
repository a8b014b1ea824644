package dev.porter.profile.redis;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.porter.common.Detached;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Spring Data Redis's shared reactive connection, opened alike by the health check, the
 * eviction-policy check, the shared call budget and the invalidation bus.
 */
public final class RedisConnections {

	private RedisConnections() {
	}

	/**
	 * The connection, to be closed by its subscriber ({@code Mono.usingWhen} with
	 * {@link ReactiveRedisConnection#closeLater}). Spring Data Redis opens its shared
	 * connection on the thread that asks and waits there for Redis to answer, up to the
	 * timeout: here a thread of its own, never the caller's (an event loop, a timer
	 * thread of a retry, Caffeine's loader). A caller that gives up first leaves the
	 * connection to be made ({@link Detached#open}): interrupted, Lettuce would finish it
	 * all the same, open and nobody's.
	 */
	public static Mono<ReactiveRedisConnection> open(ReactiveRedisConnectionFactory factory) {
		return Detached.open(Mono.fromSupplier(factory::getReactiveConnection).subscribeOn(Schedulers.boundedElastic()),
				ReactiveRedisConnection::closeLater);
	}

}
