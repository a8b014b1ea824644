package dev.porter.gateway.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import dev.porter.gateway.redis.RedisKeyTracking;
import dev.porter.testsupport.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A real {@code redis-server} and a template connected to it for the tests of one class,
 * for the Redis-backed collaborators tested without an application context. Register it
 * as a static field with {@code @RegisterExtension}.
 */
public final class RedisTemplateExtension implements BeforeAllCallback, AfterAllCallback {

	private @Nullable RedisServer server;

	private @Nullable LettuceConnectionFactory connections;

	private final List<RedisKeyTracking> trackings = new CopyOnWriteArrayList<>();

	private @Nullable ClientResources trackingResources;

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		this.server = RedisServer.start();
		this.connections = new LettuceConnectionFactory(
				LettuceConnectionFactory.createRedisConfiguration(this.server.url()));
		this.connections.afterPropertiesSet();
		this.connections.start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		// Each client before the resources it runs on.
		this.trackings.forEach((tracking) -> tracking.shutdown().orTimeout(5, TimeUnit.SECONDS).join());
		if (this.trackingResources != null) {
			this.trackingResources.shutdown().awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
		if (this.connections != null) {
			this.connections.destroy();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	/** A new template on the class's shared connection: templates are cheap. */
	public ReactiveStringRedisTemplate template() {
		return new ReactiveStringRedisTemplate(connectionFactory());
	}

	/**
	 * Key tracking against the class's server, not started (so trusting nothing until a
	 * test starts it), shut down after the class's tests; its answers age on
	 * {@code nanoTime} (a {@link MovableClock}'s, say).
	 */
	public RedisKeyTracking keyTracking(LongSupplier nanoTime, Duration heartbeat) {
		return keyTracking(nanoTime, heartbeat, UnaryOperator.identity());
	}

	/**
	 * Key tracking as {@link #keyTracking(LongSupplier, Duration)}, connecting with what
	 * {@code uri} makes of the server's address (another user, say).
	 */
	public RedisKeyTracking keyTracking(LongSupplier nanoTime, Duration heartbeat,
			UnaryOperator<RedisURI.Builder> uri) {
		return keyTracking(uri.apply(RedisURI.builder(RedisURI.create(server().url()))).build(), nanoTime, heartbeat);
	}

	/**
	 * Key tracking as {@link #keyTracking(LongSupplier, Duration)}, to another server of
	 * the test's, at {@code url}.
	 */
	public RedisKeyTracking keyTracking(String url, LongSupplier nanoTime, Duration heartbeat) {
		return keyTracking(RedisURI.create(url), nanoTime, heartbeat);
	}

	private synchronized RedisKeyTracking keyTracking(RedisURI uri, LongSupplier nanoTime, Duration heartbeat) {
		if (this.trackingResources == null) {
			this.trackingResources = DefaultClientResources.create();
		}
		RedisKeyTracking tracking = new RedisKeyTracking(this.trackingResources, ClientOptions.create(), uri, nanoTime,
				heartbeat);
		this.trackings.add(tracking);
		return tracking;
	}

	/** The class's server, to stop and start. */
	public RedisServer server() {
		if (this.server == null) {
			throw new IllegalStateException("register this extension as a static field with @RegisterExtension");
		}
		return this.server;
	}

	/** The class's connection, for templates of other types. */
	public LettuceConnectionFactory connectionFactory() {
		if (this.connections == null) {
			throw new IllegalStateException("register this extension as a static field with @RegisterExtension");
		}
		return this.connections;
	}

}
