package dev.porter.common;

import java.util.List;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watch {@link ReadOnlyConnections} puts on each Redis connection: the connection is
 * closed when Redis answers one of its commands {@code READONLY} (a replica's answer to a
 * write), and only then.
 */
class ReadOnlyConnectionsTests {

	private final EmbeddedChannel connection = new EmbeddedChannel();

	ReadOnlyConnectionsTests() {
		new ReadOnlyConnections().afterChannelInitialized(this.connection);
	}

	@AfterEach
	void close() {
		this.connection.finishAndReleaseAll();
	}

	@Test
	void writeAnsweredReadOnlyThenClosed() {
		AsyncCommand<String, String, String> set = command();
		this.connection.writeOutbound(set);

		answer(set, "READONLY You can't write against a read only replica.");

		assertThat(this.connection.isOpen()).isFalse();
	}

	@Test
	void scriptAnsweredReadOnlyInABatchThenClosed() {
		AsyncCommand<String, String, String> get = command();
		AsyncCommand<String, String, String> eval = command();
		this.connection.writeOutbound(List.of(get, eval));

		get.getOutput().set(StringCodec.UTF8.encodeValue("OK"));
		get.complete();
		assertThat(this.connection.isOpen()).as("open after an answer").isTrue();
		answer(eval, "READONLY You can't write against a read only replica. script: 64ac20e8, on @user_script:1.");

		assertThat(this.connection.isOpen()).isFalse();
	}

	// Before Redis 7 a write a script calls that a replica refuses fails the whole
	// script with ERR, wrapping the refusal: 6.2 (spring-data-redis #3042), 6.0.
	@ParameterizedTest
	@ValueSource(strings = {
			"ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:4: @user_script: 4: -READONLY You can't write against a read only replica.",
			"ERR Error running script (call to f_d8f2fad9f8e86a53d2a6ebd960b33c4972cacc37): @user_script:2: -READONLY You can't write against a read only replica.",
			"ERR Error running script (call to f_64ac20e8): @user_script:1: @user_script: 1: -READONLY You can't write against a read only slave." })
	void scriptAnsweredReadOnlyByRedisBefore7ThenClosed(String error) {
		AsyncCommand<String, String, String> evalsha = command();
		this.connection.writeOutbound(evalsha);

		answer(evalsha, error);

		assertThat(this.connection.isOpen()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = {
			"ERR Error running script (call to f_64ac20e8): @user_script:1: @user_script: 1: -OOM command not allowed when used memory > 'maxmemory'.",
			"ERR Error running script (call to f_64ac20e8): @user_script:1: WRONGTYPE Operation against a key holding the wrong kind of value",
			"ERR Error running script (call to f_64ac20e8): @user_script:1: user_script:1: attempt to compare nil with number",
			"NOSCRIPT No matching script. Please use EVAL.",
			"ERR Error running script (call to f_64ac20e8): @user_script:1: @user_script: 1: -NOSCRIPT -READONLY" })
	void scriptFailingForAnotherReasonThenOpen(String error) {
		AsyncCommand<String, String, String> evalsha = command();
		this.connection.writeOutbound(evalsha);

		answer(evalsha, error);

		assertThat(this.connection.isOpen()).isTrue();
	}

	@Test
	void otherRefusalThenOpen() {
		AsyncCommand<String, String, String> set = command();
		this.connection.writeOutbound(set);

		answer(set, "OOM command not allowed when used memory > 'maxmemory'.");

		assertThat(this.connection.isOpen()).isTrue();
	}

	@Test
	void errorOnlyMentioningReadOnlyThenOpen() {
		AsyncCommand<String, String, String> set = command();
		this.connection.writeOutbound(set);

		answer(set, "ERR READONLY is not a code here");

		assertThat(this.connection.isOpen()).isTrue();
	}

	private static AsyncCommand<String, String, String> command() {
		return new AsyncCommand<>(new Command<>(CommandType.SET, new StatusOutput<>(StringCodec.UTF8)));
	}

	/** Redis's error answer, as Lettuce's decoder hands it to the command. */
	private static void answer(AsyncCommand<String, String, String> command, String error) {
		command.getOutput().setError(error);
		command.complete();
	}

}
