package dev.porter.gateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.porter.common.ReadOnlyConnections;
import dev.porter.common.RedisEvictionPolicyCheck;
import dev.porter.common.RedisConnectionWatches;
import dev.porter.common.UnansweredConnections;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.channel.EventLoopGroup;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * With {@code REDIS_URL} set, the WebSession — and with it the tokens, encrypted — lives
 * in Redis ({@code session.RedisSessionConfiguration}), so that any gateway instance can
 * serve any of the sessions.
 * <p>
 * Redis going away must not hang requests: Lettuce's defaults wait 60 s per command,
 * queue commands while disconnected and back off up to 30 s between reconnects. Here a
 * command fails after {@code REDIS_TIMEOUT}, commands are refused at once while the
 * connection is down (the request gets a 503, see
 * {@code problem.ProblemExceptionHandler}) and reconnects are tried at least every
 * second, so the gateway recovers by itself within seconds of Redis returning, also when
 * its host vanished without closing the connections ({@link UnansweredConnections}), and
 * when a failover left it connected to the old primary, now a replica that refuses every
 * write ({@link ReadOnlyConnections}, and the readiness check). Commands from the
 * server's event loops go over a connection of each loop's own
 * ({@link EventLoopRedisConnections}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RedisEnabled.class)
class RedisConfiguration {

	/** Lettuce's exponential backoff, capped far below its default of 30 s. */
	private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

	/**
	 * Shared by every connection: the per-loop ones and the key tracking's. Each is
	 * closed once it has left its commands unanswered for a few command timeouts
	 * ({@link UnansweredConnections}), so that a Redis host that vanished without a reset
	 * is reconnected to as soon as it is back, and as soon as its node refuses a write as
	 * a replica ({@link ReadOnlyConnections}), so that the new connection reaches the
	 * primary.
	 */
	@Bean(destroyMethod = "shutdown")
	ClientResources redisClientResources(RedisProperties properties) {
		return DefaultClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
			.nettyCustomizer(new RedisConnectionWatches(properties.timeout()))
			.build();
	}

	/**
	 * How often the key tracking's connection is pinged (and asked its node's role): kept
	 * values are trusted for three of these after the last ping it answered was sent, so
	 * a connection that stops delivering invalidations without closing leaves another
	 * instance's logout unseen here for under a second. Four pings and HELLOs a second
	 * cost Redis and the gateway next to nothing.
	 */
	static final Duration TRACKING_HEARTBEAT = Duration.ofMillis(250);

	/** What a full Redis that evicts keys drops of the gateway's, for the warning. */
	static final String AT_STAKE = "back-channel logout registrations (a logout then ends nothing), refresh locks"
			+ " (a second refresh of one token trips the IdP's reuse detection), logout markers, rate counters and"
			+ " sessions";

	@Bean
	EventLoopLettuceConnectionFactory redisConnectionFactory(RedisProperties properties, ClientResources resources,
			ReactorResourceFactory netty) {
		RedisURI uri = uri(properties);
		ClientOptions options = options(properties);
		// apply(uri) keeps what the URL says besides the address and the password: TLS
		// for rediss://, peer verification, the client name.
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.apply(uri)
			.clientResources(resources)
			.clientOptions(options)
			.commandTimeout(properties.timeout())
			.build();
		// The server's own loops: the ones its requests run on.
		EventLoopGroup serverLoops = netty.getLoopResources().onServer(LoopResources.DEFAULT_NATIVE);
		EventLoopRedisConnections loops = new EventLoopRedisConnections(serverLoops, resources, options, uri,
				MAX_RECONNECT_DELAY);
		RedisEvictionPolicyPoll evictionPolicy = new RedisEvictionPolicyPoll(new RedisEvictionPolicyCheck(AT_STAKE),
				() -> loops.current().reactive().info("memory"), MAX_RECONNECT_DELAY);
		return new EventLoopLettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(uri), client,
				loops, evictionPolicy);
	}

	/**
	 * Tells the instance which keys it read changed in Redis: see
	 * {@link RedisKeyTracking}.
	 */
	@Bean
	RedisKeyTracking redisKeyTracking(RedisProperties properties, ClientResources resources) {
		return new RedisKeyTracking(resources, options(properties), uri(properties), System::nanoTime,
				TRACKING_HEARTBEAT);
	}

	private static RedisURI uri(RedisProperties properties) {
		RedisURI uri = properties.uri();
		uri.setTimeout(properties.timeout());
		return uri;
	}

	private static ClientOptions options(RedisProperties properties) {
		return ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(properties.timeout()).build())
			.timeoutOptions(TimeoutOptions.enabled(properties.timeout()))
			.build();
	}

	@Bean
	ReactiveStringRedisTemplate reactiveStringRedisTemplate(ReactiveRedisConnectionFactory connectionFactory) {
		return new ReactiveStringRedisTemplate(connectionFactory);
	}

	@Bean
	RedisHealthIndicator redisHealthIndicator(EventLoopLettuceConnectionFactory connectionFactory,
			RedisProperties properties, ObjectProvider<Clock> clock) {
		return new RedisHealthIndicator(connectionFactory, properties.timeout(),
				clock.getIfAvailable(Clock::systemUTC));
	}

}
