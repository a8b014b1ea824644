package dev.porter.gateway.problem;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which of Redis's answers refuse writes alone, as Redis 7 words them and as Redis before
 * 7 wraps them in a script's {@code ERR}: what the rate limit may do without, while the
 * sessions are still read.
 */
class RedisRefusalsTests {

	@Test
	void refusesWritesWhenFullAReplicaOrUnableToPersistThenTrue() {
		assertThat(RedisRefusals.refusesWrites(answered(
				"OOM command not allowed when used memory > 'maxmemory'. script: 3c0b1ef, on @user_script:1.")))
			.isTrue();
		assertThat(RedisRefusals.refusesWrites(answered(
				"ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:2: @user_script: 2: -READONLY You can't write against a read only replica.")))
			.isTrue();
		assertThat(RedisRefusals.refusesWrites(answered(
				"MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.")))
			.isTrue();
	}

	@Test
	void refusesWritesWhenRedisRefusesReadsTooOrDoesNotAnswerThenFalse() {
		assertThat(RedisRefusals.refusesWrites(answered("LOADING Redis is loading the dataset in memory"))).isFalse();
		assertThat(
				RedisRefusals.refusesWrites(answered("NOPERM this user has no permissions to access one of the keys")))
			.isFalse();
		assertThat(RedisRefusals.refusesWrites(answered(
				"ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:1: user_script:1: attempt to compare nil with number")))
			.isFalse();
		assertThat(RedisRefusals
			.refusesWrites(new RedisConnectionFailureException("refused", new RedisConnectionException("refused"))))
			.isFalse();
		assertThat(RedisRefusals.refusesWrites(new QueryTimeoutException("Redis command timed out"))).isFalse();
	}

	@Test
	void isFullWhenRedisRefusesAWriteForLackOfMemoryThenTrue() {
		assertThat(RedisRefusals.isFull(answered("OOM command not allowed when used memory > 'maxmemory'."))).isTrue();
	}

	/** Redis before 7 wraps a script's refusal in {@code ERR}. */
	@Test
	void isFullWhenRedisBefore7RefusesAScriptsWriteForLackOfMemoryThenTrue() {
		assertThat(RedisRefusals.isFull(answered(
				"ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:4: @user_script: 4: -OOM command not allowed when used memory > 'maxmemory'.")))
			.isTrue();
	}

	@Test
	void isFullWhenRedisFailsOtherwiseThenFalse() {
		assertThat(RedisRefusals.isFull(answered("READONLY You can't write against a read only replica."))).isFalse();
		assertThat(RedisRefusals
			.isFull(answered("ERR Error running script (call to f_1): attempt to compare nil with number"))).isFalse();
		assertThat(RedisRefusals.isFull(new RedisSystemException("timed out", new RedisCommandTimeoutException())))
			.isFalse();
	}

	private static RuntimeException answered(String answer) {
		return new RedisSystemException("Error in execution", new RedisCommandExecutionException(answer));
	}

}
