package dev.porter.common;

import java.io.IOException;
import java.net.SocketException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Operators;
import reactor.netty.channel.AbortedException;
import reactor.util.context.Context;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** A request body its sender cut off, and the repeat of that failure after the answer. */
@ExtendWith(OutputCaptureExtension.class)
class CutOffBodiesTests {

	private final Context context = CutOffBodies.repeatsAtDebug(IllegalArgumentException.class::isInstance);

	@Test
	void senderGoneWhenTheConnectionClosedOrWasResetThenTrue() {
		assertThat(CutOffBodies.senderGone(new AbortedException("Connection has been closed BEFORE send operation")))
			.isTrue();
		assertThat(CutOffBodies.senderGone(new SocketException("Connection reset"))).isTrue();
		assertThat(CutOffBodies.senderGone(new IOException("Broken pipe"))).isTrue();
	}

	@Test
	void senderGoneWhenAnythingElseThenFalse() {
		assertThat(CutOffBodies.senderGone(new IllegalStateException("decoding failed"))).isFalse();
	}

	@Test
	void repeatsAtDebugWhenTheSenderGoneIsSignalledAgainThenNoError(CapturedOutput output) {
		Operators.onErrorDropped(new AbortedException("Connection has been closed"), this.context);
		Operators.onErrorDropped(new SocketException("Connection reset"), this.context);

		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("\tat ");
	}

	@Test
	void repeatsAtDebugWhenWhatTheServiceRecognisesIsSignalledAgainThenNoError(CapturedOutput output) {
		Operators.onErrorDropped(new IllegalArgumentException("answered 408"), this.context);

		assertThat(output.getAll()).doesNotContain("onErrorDropped");
	}

	@Test
	void repeatsAtDebugWhenAnythingElseIsDroppedThenReactorsDefaultHandling(CapturedOutput output) {
		Operators.onErrorDropped(new IllegalStateException("unexpected"), this.context);

		assertThat(output.getAll()).contains("onErrorDropped").contains("unexpected");
	}

}
