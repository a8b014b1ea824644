package dev.porter.profile.config;

import java.time.Duration;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import dev.porter.common.RedisEvictionPolicyCheck;
import dev.porter.profile.redis.RedisConnections;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Asks Redis for its eviction policy once the service has started (common's
 * {@link RedisEvictionPolicyCheck}): the Management API budget the instances share is a
 * key with a time to live, which a Redis that evicts such keys drops when full. Asked
 * again while Redis gives no answer (down at start): a second later at first, at most a
 * minute apart after; never in a request's way, and never holding up start-up.
 */
class RedisEvictionPolicyAtStart implements SmartLifecycle {

	/** What a full Redis that evicts keys drops of profile-service's, for the warning. */
	static final String AT_STAKE = "the Management API budget the instances share (they may then exceed the"
			+ " tenant's limit together)";

	private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

	private static final Duration LAST_RETRY = Duration.ofMinutes(1);

	private final RedisEvictionPolicyCheck check = new RedisEvictionPolicyCheck(AT_STAKE);

	private final ReactiveRedisConnectionFactory connections;

	private final Duration timeout;

	private volatile @Nullable Disposable asking;

	/**
	 * @param timeout the longest one question waits for Redis ({@code REDIS_TIMEOUT}),
	 * connecting included
	 */
	RedisEvictionPolicyAtStart(ReactiveRedisConnectionFactory connections, Duration timeout) {
		this.connections = connections;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.asking = this.check.checkFields(infoMemory())
			.retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_RETRY).maxBackoff(LAST_RETRY))
			// retried for ever: nothing fails here
			.subscribe(null, (unreachable) -> {
			});
	}

	private Mono<Properties> infoMemory() {
		return Mono
			.usingWhen(RedisConnections.open(this.connections),
					(connection) -> connection.serverCommands().info("memory"), ReactiveRedisConnection::closeLater)
			.timeout(this.timeout);
	}

	@Override
	public void stop() {
		Disposable asking = this.asking;
		if (asking != null) {
			asking.dispose();
		}
		this.asking = null;
	}

	@Override
	public boolean isRunning() {
		return this.asking != null;
	}

}
