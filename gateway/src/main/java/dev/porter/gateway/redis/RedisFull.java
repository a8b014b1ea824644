package dev.porter.gateway.redis;

import java.util.Objects;
import java.util.stream.Stream;

import dev.porter.common.RedisErrorCodes;
import io.lettuce.core.RedisCommandExecutionException;

/**
 * Tells Redis refusing a write for lack of memory ({@code OOM}: {@code maxmemory} reached
 * under {@code noeviction}) from other failures: such a Redis still serves reads and
 * deletes, so what needs only those can still be done. Also when Redis before 7 wraps the
 * refusal in a script's error (common's {@link RedisErrorCodes}).
 */
public final class RedisFull {

	/** A cause chain is short; the bound only guards against a cycle. */
	private static final int MAX_DEPTH = 16;

	private static final String OUT_OF_MEMORY = "OOM";

	private RedisFull() {
	}

	/** Whether {@code failure}, or one of its causes, is Redis's {@code OOM} refusal. */
	public static boolean caused(Throwable failure) {
		return Stream.iterate(failure, Objects::nonNull, Throwable::getCause)
			.limit(MAX_DEPTH)
			.anyMatch((cause) -> cause instanceof RedisCommandExecutionException
					&& OUT_OF_MEMORY.equals(RedisErrorCodes.of(cause.getMessage())));
	}

}
