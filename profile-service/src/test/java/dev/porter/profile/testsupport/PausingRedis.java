package dev.porter.profile.testsupport;

import java.io.IOException;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import dev.porter.testsupport.RedisServer;

/**
 * A throw-away Redis ({@link RedisServer}) that stops answering for a while, as one busy
 * with a slow command does: it still takes connections, and answers what they sent once
 * the pause is over ({@code CLIENT PAUSE}, which nobody can lift early). Tells how many
 * connections other clients hold open ({@code CLIENT LIST}).
 */
public final class PausingRedis implements AutoCloseable {

	private final RedisServer server;

	private final RedisClient client;

	/** The test's own connection, opened before any pause. */
	private final StatefulRedisConnection<String, String> own;

	private PausingRedis(RedisServer server) {
		this.server = server;
		this.client = RedisClient.create(server.url());
		this.own = this.client.connect();
	}

	public static PausingRedis start() throws IOException, InterruptedException {
		return new PausingRedis(RedisServer.start());
	}

	public String url() {
		return this.server.url();
	}

	/**
	 * Answers nobody, connections made meanwhile included, for {@code pause} from now.
	 */
	public void pause(Duration pause) {
		this.own.sync().clientPause(pause.toMillis());
	}

	/** Returns once Redis answers again: the pause is over. */
	public void awaitAnswering() {
		this.own.sync().ping();
	}

	/** The connections open to Redis, but the test's own. */
	public long othersConnections() {
		return this.own.sync().clientList().lines().filter((line) -> !line.isBlank()).count() - 1;
	}

	@Override
	public void close() {
		this.own.close();
		this.client.shutdown();
		this.server.close();
	}

}
