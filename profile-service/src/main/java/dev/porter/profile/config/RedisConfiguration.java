package dev.porter.profile.config;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;

import dev.porter.common.ReadOnlyConnections;
import dev.porter.common.RedisConnectionWatches;
import dev.porter.common.UnansweredConnections;
import dev.porter.profile.cache.InvalidationBus;
import dev.porter.profile.cache.RedisInvalidationBus;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * With {@code REDIS_URL} set, a change of a user's directory entry on one instance drops
 * that entry on every other instance (Redis pub/sub). Redis is never needed to answer:
 * the connection is made lazily, a command waits at most {@code REDIS_TIMEOUT}, commands
 * are refused at once while disconnected instead of queued, and reconnects are retried
 * every second at most so that invalidations resume soon after Redis is back. Once
 * started, the service checks that Redis evicts none of its keys
 * ({@link RedisEvictionPolicyAtStart}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RedisEnabled.class)
class RedisConfiguration {

	static final String DIRECTORY_CHANNEL = "porter:profile:invalidate:directory";

	/**
	 * A connection that leaves its commands unanswered for a few command timeouts is
	 * closed and opened again ({@link UnansweredConnections}): one whose Redis host
	 * vanished without a reset would otherwise fail every publish for ~15 minutes. So is
	 * one whose node answers a write {@code READONLY} ({@link ReadOnlyConnections}):
	 * after a failover that left the old primary running as a replica, the shared
	 * budget's every call would fail there, and each instance spend its own. The
	 * subscription, which only reads, is watched by the bus itself.
	 */
	@Bean(destroyMethod = "shutdown")
	DefaultClientResources redisClientResources(RedisProperties properties) {
		return DefaultClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
			.nettyCustomizer(new RedisConnectionWatches(properties.timeout()))
			.build();
	}

	@Bean
	LettuceConnectionFactory redisConnectionFactory(RedisProperties properties, ClientResources resources) {
		Duration timeout = properties.timeout();
		RedisURI uri = properties.uri();
		// apply(uri) keeps what the URL says besides the address and the password: TLS
		// for rediss://, peer verification, the client name.
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.apply(uri)
			.clientResources(resources)
			.commandTimeout(timeout)
			.clientOptions(ClientOptions.builder()
				.socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.build())
			.build();
		return new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(uri), client);
	}

	/** Named as Boot's indicator is, which it replaces. */
	@Bean
	RedisHealthIndicator redisHealthIndicator(ReactiveRedisConnectionFactory connectionFactory,
			RedisProperties properties) {
		return new RedisHealthIndicator(connectionFactory, properties.timeout());
	}

	@Bean
	RedisEvictionPolicyAtStart redisEvictionPolicyAtStart(ReactiveRedisConnectionFactory connectionFactory,
			RedisProperties properties) {
		return new RedisEvictionPolicyAtStart(connectionFactory, properties.timeout());
	}

	@Bean
	InvalidationBus directoryInvalidationBus(ReactiveRedisConnectionFactory connectionFactory,
			RedisProperties properties, MeterRegistry registry) {
		return new RedisInvalidationBus(connectionFactory, DIRECTORY_CHANNEL, properties.timeout(), registry);
	}

}
