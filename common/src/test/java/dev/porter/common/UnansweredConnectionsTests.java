package dev.porter.common;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watch {@link UnansweredConnections} puts on each Redis connection, on a channel
 * whose event loop runs on virtual time: a connection is closed after four checks in a
 * row found it waiting for an answer that had not come, and never for being idle or for
 * only receiving.
 */
class UnansweredConnectionsTests {

	private static final Duration CHECK_EVERY = Duration.ofMillis(500);

	private final EmbeddedChannel connection = new EmbeddedChannel();

	UnansweredConnectionsTests() {
		this.connection.freezeTime();
		new UnansweredConnections(CHECK_EVERY).afterChannelInitialized(this.connection);
		this.connection.pipeline().fireChannelActive();
	}

	@AfterEach
	void close() {
		this.connection.finishAndReleaseAll();
	}

	@Test
	void commandUnansweredWhenFourChecksPassedThenClosed() {
		this.connection.writeOutbound(bytes("*1\r\n$4\r\nPING\r\n"));

		checks(3);
		assertThat(this.connection.isOpen()).as("open after three checks").isTrue();
		checks(1);

		assertThat(this.connection.isOpen()).isFalse();
	}

	@Test
	void nothingWrittenWhenManyChecksPassedThenOpen() {
		checks(20);

		assertThat(this.connection.isOpen()).isTrue();
	}

	@Test
	void onlyReceivingWhenManyChecksPassedThenOpen() {
		// the key tracking's connection: invalidations pushed, nothing asked
		for (int i = 0; i < 20; i++) {
			this.connection.writeInbound(bytes(">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n"));
			checks(1);
		}

		assertThat(this.connection.isOpen()).isTrue();
	}

	@Test
	void answeredEachTimeWhenManyChecksPassedThenOpen() {
		for (int i = 0; i < 20; i++) {
			this.connection.writeOutbound(bytes("*1\r\n$4\r\nPING\r\n"));
			checks(1);
			this.connection.writeInbound(bytes("+PONG\r\n"));
		}

		assertThat(this.connection.isOpen()).isTrue();
	}

	@Test
	void commandAnsweredLateWhenAnotherUnansweredAfterThatThenCountedAfresh() {
		// A read resets the count even when a new command follows it before the check:
		// the connection was alive then.
		this.connection.writeOutbound(bytes("*1\r\n$4\r\nPING\r\n"));
		checks(2);
		this.connection.writeInbound(bytes("+PONG\r\n"));
		this.connection.writeOutbound(bytes("*1\r\n$4\r\nPING\r\n"));
		checks(4);
		assertThat(this.connection.isOpen()).as("open: the check right after the answer counts none").isTrue();
		checks(1);

		assertThat(this.connection.isOpen()).isFalse();
	}

	@Test
	void closedWhenChecksPassedThenNoneLeftScheduled() {
		this.connection.writeOutbound(bytes("*1\r\n$4\r\nPING\r\n"));
		checks(4);

		assertThat(this.connection.isOpen()).isFalse();
		assertThat(this.connection.runScheduledPendingTasks()).as("nanos to the next scheduled task").isEqualTo(-1);
	}

	private void checks(int count) {
		for (int i = 0; i < count; i++) {
			this.connection.advanceTimeBy(CHECK_EVERY.toNanos(), TimeUnit.NANOSECONDS);
			this.connection.runScheduledPendingTasks();
		}
	}

	private static ByteBuf bytes(String resp) {
		return Unpooled.copiedBuffer(resp, StandardCharsets.US_ASCII);
	}

}
