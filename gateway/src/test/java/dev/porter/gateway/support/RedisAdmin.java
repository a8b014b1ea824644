package dev.porter.gateway.support;

import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * An operator's one-off connection to a test's Redis ({@code redis-cli}, as it were):
 * opened for one call, closed after it, so that it never shows among the connections a
 * test counts or kills.
 */
public final class RedisAdmin {

	private RedisAdmin() {
	}

	/** What {@code command} answers over a connection of its own to {@code url}. */
	public static <T> T call(String url, Function<RedisCommands<String, String>, T> command) {
		RedisClient admin = RedisClient.create(url);
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			return command.apply(connection.sync());
		}
		finally {
			admin.shutdown();
		}
	}

}
