package dev.porter.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code of Redis's error answers, as a real Redis words them: a command's own, and a
 * script's that Redis before 7 wraps in {@code ERR}.
 */
class RedisErrorCodesTests {

	@Test
	void ofWhenACommandIsRefusedThenItsFirstWord() {
		assertThat(RedisErrorCodes.of("READONLY You can't write against a read only replica.")).isEqualTo("READONLY");
		assertThat(RedisErrorCodes.of("OOM command not allowed when used memory > 'maxmemory'.")).isEqualTo("OOM");
		assertThat(RedisErrorCodes.of("LOADING Redis is loading the dataset in memory")).isEqualTo("LOADING");
		assertThat(RedisErrorCodes.of("READONLY")).isEqualTo("READONLY");
	}

	@Test
	void ofWhenRedis7RefusesAScriptsWriteThenTheRefusalsCode() {
		assertThat(RedisErrorCodes
			.of("READONLY You can't write against a read only replica. script: 64ac20e8, on @user_script:1."))
			.isEqualTo("READONLY");
	}

	@Test
	void ofWhenRedisBefore7RefusesAScriptsCommandThenTheRefusalsCode() {
		assertThat(RedisErrorCodes
			.of("ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:4: @user_script: 4: -READONLY You can't write against a read only replica."))
			.isEqualTo("READONLY");
		assertThat(RedisErrorCodes
			.of("ERR Error running script (call to f_d8f2fad9f8e86a53d2a6ebd960b33c4972cacc37): @user_script:2: -READONLY You can't write against a read only replica."))
			.isEqualTo("READONLY");
		assertThat(RedisErrorCodes
			.of("ERR Error running script (call to f_64ac20e8): @user_script:1: @user_script: 1: -OOM command not allowed when used memory > 'maxmemory'."))
			.isEqualTo("OOM");
		assertThat(RedisErrorCodes
			.of("ERR Error running script (call to f_64ac20e8): @user_script:1: WRONGTYPE Operation against a key holding the wrong kind of value"))
			.isEqualTo("WRONGTYPE");
	}

	@Test
	void ofWhenAScriptFailsOnItsOwnThenErr() {
		assertThat(RedisErrorCodes
			.of("ERR Error running script (call to f_64ac20e8): @user_script:1: user_script:1: attempt to compare nil with number"))
			.isEqualTo("ERR");
		assertThat(RedisErrorCodes.of("ERR READONLY is not a code here")).isEqualTo("ERR");
		assertThat(RedisErrorCodes.of("ERR Error running script (call to f_64ac20e8): READONLY quoted"))
			.isEqualTo("ERR");
	}

	@Test
	void ofWhenNoAnswerThenNull() {
		assertThat(RedisErrorCodes.of(null)).isNull();
	}

}
