package dev.porter.gateway.redis;

import java.nio.ByteBuffer;

import io.lettuce.core.api.StatefulConnection;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Spring Data Redis's connection factory, except that its reactive commands go over the
 * connections of {@link EventLoopRedisConnections}: from one of the web server's event
 * loops over that loop's own, from anywhere else over any that is open. Its own shared
 * reactive connection, which it would open on the first thread that asks and wait for
 * there, is never opened (nothing here uses its blocking API).
 */
class EventLoopLettuceConnectionFactory extends LettuceConnectionFactory {

	private final EventLoopRedisConnections loops;

	private final RedisEvictionPolicyPoll evictionPolicy;

	/**
	 * @param evictionPolicy asked from when the connections open until they close
	 */
	EventLoopLettuceConnectionFactory(RedisConfiguration configuration, LettuceClientConfiguration client,
			EventLoopRedisConnections loops, RedisEvictionPolicyPoll evictionPolicy) {
		super(configuration, client);
		this.loops = loops;
		this.evictionPolicy = evictionPolicy;
	}

	@Override
	protected StatefulConnection<ByteBuffer, ByteBuffer> getSharedReactiveConnection() {
		return this.loops.current();
	}

	/**
	 * Every loop's connection answers, from a primary: see
	 * {@link EventLoopRedisConnections#checkEach()}.
	 */
	Mono<Void> checkEachConnection() {
		return this.loops.checkEach();
	}

	/**
	 * Opens the connections once: {@code afterPropertiesSet()} starts the factory, and a
	 * second start (a test's, or a context's after a stop) must not open a second set
	 * beside the first.
	 */
	@Override
	public void start() {
		boolean wasRunning = isRunning();
		super.start();
		if (!wasRunning) {
			this.loops.open();
			this.evictionPolicy.start();
		}
	}

	@Override
	public void stop() {
		this.evictionPolicy.stop();
		this.loops.close();
		super.stop();
	}

	@Override
	public void destroy() {
		this.evictionPolicy.stop();
		this.loops.shutdown();
		super.destroy();
	}

}
