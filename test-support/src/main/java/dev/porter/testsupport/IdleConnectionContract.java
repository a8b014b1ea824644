package dev.porter.testsupport;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every service's HTTP server does with a connection that carries no request being
 * worked on (none sent, a request head that never ends, nothing after an answer, the body
 * of a request already answered): it is closed once it has done so for the service's
 * {@code CONNECTION_IDLE_TIMEOUT}, which the implementing test sets well below
 * {@link #PATIENCE}; else anyone who reaches the port could hold thousands of them open,
 * each a file descriptor and its buffers. The assertion is that the server closes, not
 * how fast. A test interface: the implementing test class extends its service's own test
 * support.
 */
public interface IdleConnectionContract {

	/** Far past the idle timeout the implementing test sets. */
	Duration PATIENCE = Duration.ofSeconds(15);

	/**
	 * How often a trickling client sends a piece: well within the idle timeout.
	 */
	Duration TRICKLE = Duration.ofMillis(200);

	/** The port of the service under test. */
	int servicePort();

	@Test
	default void connectionWhenNothingIsSentThenClosed() {
		try (RawConnection connection = RawConnection.open(servicePort())) {
			assertThat(connection.closedByServerWithin(PATIENCE)).isTrue();
		}
	}

	@Test
	default void connectionWhenTheHeadTricklesInThenClosed() {
		try (RawConnection connection = RawConnection.open(servicePort())) {
			connection.send("GET /me HTTP/1.1\r\nHost: localhost\r\n");

			assertThat(connection.trickleUntilClosedByServer("X-a: b\r\n", TRICKLE, PATIENCE)).isTrue();
		}
	}

	@Test
	default void connectionWhenIdleAfterAnAnswerThenClosed() {
		try (RawConnection connection = RawConnection.open(servicePort())) {
			connection.send("GET /livez HTTP/1.1\r\nHost: localhost\r\n\r\n");
			String answer = connection.readAnswerHead(PATIENCE);
			assertThat(answer).startsWith("HTTP/1.1 200 ").doesNotContainIgnoringCase("connection: close");

			assertThat(connection.closedByServerWithin(PATIENCE)).isTrue();
		}
	}

	// A PATCH without credentials is refused at once, and the body is read on to be
	// dropped: each piece of it would restart an idle timeout that counted every read.
	@Test
	default void connectionWhenAnAnsweredRequestsBodyTricklesOnThenClosed() {
		try (RawConnection connection = RawConnection.open(servicePort())) {
			connection.send("PATCH /me/metadata HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
					+ "Content-Length: 100000000\r\n\r\n{");

			assertThat(connection.trickleUntilClosedByServer("x", TRICKLE, PATIENCE)).isTrue();
		}
	}

	/**
	 * Returns once a connection opened now has been closed for idling: the idle timeout
	 * has passed for whatever was under way when this was called (a witness, for tests
	 * that show a request under way is not cut by it).
	 */
	default void awaitIdleTimeoutPassed() {
		try (RawConnection witness = RawConnection.open(servicePort())) {
			assertThat(witness.closedByServerWithin(PATIENCE)).as("an idle connection closed").isTrue();
		}
	}

}
