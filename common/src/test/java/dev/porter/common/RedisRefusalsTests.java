package dev.porter.common;

import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a log line about a failed Redis command says of Redis's answer: its code wherever
 * in the failure's causes the client put it, and nothing of the rest, which can quote a
 * key.
 */
class RedisRefusalsTests {

	@Test
	void describeWhenTheClientWrappedTheRefusalThenItsCodeAndWhatToCheck() {
		// as Spring Data Redis translates Lettuce's
		RuntimeException translated = new RuntimeException("Error in execution", new RedisCommandExecutionException(
				"NOPERM this user has no permissions to access one of the channels used as arguments"));

		assertThat(RedisRefusals.describe(translated)).startsWith("; Redis answered NOPERM (")
			.contains("ACL")
			.doesNotContain("channels used as arguments");
	}

	@Test
	void describeWhenRedisIsFullThenOomAndMaxmemory() {
		assertThat(RedisRefusals.describe(new RedisCommandExecutionException(
				"OOM command not allowed when used memory > 'maxmemory'. script: 68f87f36, on @user_script:1.")))
			.startsWith("; Redis answered OOM (")
			.contains("maxmemory-policy noeviction");
	}

	@Test
	void describeWhenRedisRefusedNothingThenNothing() {
		assertThat(RedisRefusals.describe(new RuntimeException(new TimeoutException("no answer")))).isEmpty();
	}

	@Test
	void describeWhenTheAnswerHasNoCodeThenOnlyThatRedisRefused() {
		assertThat(RedisRefusals.describe(new RedisCommandExecutionException("porter:session:abc is wrong")))
			.isEqualTo("; Redis refused the command");
	}

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
		assertThat(
				RedisRefusals.refusesWrites(new RuntimeException("refused", new RedisConnectionException("refused"))))
			.isFalse();
		assertThat(RedisRefusals.refusesWrites(new RedisCommandTimeoutException("Redis command timed out"))).isFalse();
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
		assertThat(RedisRefusals.isFull(new RuntimeException("timed out", new RedisCommandTimeoutException())))
			.isFalse();
	}

	/** As Spring Data Redis translates Lettuce's refusal. */
	private static RuntimeException answered(String answer) {
		return new RuntimeException("Error in execution", new RedisCommandExecutionException(answer));
	}

}
