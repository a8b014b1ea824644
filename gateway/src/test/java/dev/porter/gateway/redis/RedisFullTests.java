package dev.porter.gateway.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis's refusals as a real {@code redis-server} words them, reaching the gateway
 * wrapped by Spring Data Redis.
 */
class RedisFullTests {

	@Test
	void causedWhenRedisRefusesAWriteForLackOfMemoryThenTrue() {
		assertThat(RedisFull.caused(refused("OOM command not allowed when used memory > 'maxmemory'."))).isTrue();
	}

	/** Redis before 7 wraps a script's refusal in {@code ERR}. */
	@Test
	void causedWhenRedisBefore7RefusesAScriptsWriteForLackOfMemoryThenTrue() {
		assertThat(RedisFull.caused(refused(
				"ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:4: @user_script: 4: -OOM command not allowed when used memory > 'maxmemory'.")))
			.isTrue();
	}

	@Test
	void causedWhenRedisFailsOtherwiseThenFalse() {
		assertThat(RedisFull.caused(refused("READONLY You can't write against a read only replica."))).isFalse();
		assertThat(
				RedisFull.caused(refused("ERR Error running script (call to f_1): attempt to compare nil with number")))
			.isFalse();
		assertThat(RedisFull.caused(new RedisSystemException("timed out", new RedisCommandTimeoutException())))
			.isFalse();
	}

	private static RedisSystemException refused(String answer) {
		return new RedisSystemException("Error in execution", new RedisCommandExecutionException(answer));
	}

}
