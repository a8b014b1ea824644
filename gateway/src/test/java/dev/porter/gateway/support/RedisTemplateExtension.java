package dev.porter.gateway.support;

import dev.porter.testsupport.RedisServer;
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

	/** The class's connection, for templates of other types. */
	public LettuceConnectionFactory connectionFactory() {
		if (this.connections == null) {
			throw new IllegalStateException("register this extension as a static field with @RegisterExtension");
		}
		return this.connections;
	}

}
