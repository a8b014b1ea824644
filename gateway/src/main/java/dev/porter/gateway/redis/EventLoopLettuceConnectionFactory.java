package dev.porter.gateway.redis;

import java.nio.ByteBuffer;

import io.lettuce.core.api.StatefulConnection;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Spring Data Redis's connection factory, except that a reactive command issued on one of
 * the web server's event loops goes over that loop's own connection
 * ({@link EventLoopRedisConnections}). Anywhere else — tests, background work on other
 * threads — it uses the factory's shared connection as before, opened on Lettuce's own
 * threads.
 */
class EventLoopLettuceConnectionFactory extends LettuceConnectionFactory {

	private final EventLoopRedisConnections loops;

	EventLoopLettuceConnectionFactory(RedisConfiguration configuration, LettuceClientConfiguration client,
			EventLoopRedisConnections loops) {
		super(configuration, client);
		this.loops = loops;
	}

	@Override
	protected StatefulConnection<ByteBuffer, ByteBuffer> getSharedReactiveConnection() {
		StatefulConnection<ByteBuffer, ByteBuffer> onThisLoop = this.loops.current();
		return (onThisLoop != null) ? onThisLoop : super.getSharedReactiveConnection();
	}

	@Override
	public void start() {
		super.start();
		this.loops.open();
	}

	@Override
	public void stop() {
		this.loops.close();
		super.stop();
	}

	@Override
	public void destroy() {
		this.loops.shutdown();
		super.destroy();
	}

}
