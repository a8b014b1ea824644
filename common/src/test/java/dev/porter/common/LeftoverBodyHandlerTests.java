package dev.porter.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection whose answered request's body does not come in within the timeout is
 * closed; one whose body came in serves the next request however long after. On a bare
 * Reactor Netty server (no idle timeout of its own) with the handler where each service's
 * customizer puts it: {@code /refuse} answers at once without reading the body,
 * {@code /read} reads it first.
 */
class LeftoverBodyHandlerTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	/** Far past the timeout: what is asserted is that the server closes, not how fast. */
	private static final int PATIENCE_MILLIS = 10_000;

	private static DisposableServer server;

	@BeforeAll
	static void start() {
		server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnChannelInit((observer, channel, remoteAddress) -> channel.pipeline()
				.addAfter(NettyPipeline.HttpCodec, LeftoverBodyHandler.NAME, new LeftoverBodyHandler(TIMEOUT)))
			.handle((request, response) -> request.uri().startsWith("/refuse") ? response.status(401).send()
					: request.receive().aggregate().then(Mono.defer(() -> response.status(200).send())))
			.bindNow();
	}

	@AfterAll
	static void stop() {
		server.disposeNow();
	}

	@Test
	void answerWhenTheBodyNeverCompletesThenClosed() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "PATCH /refuse HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");

			assertThat(closedByServer(socket)).isTrue();
		}
	}

	@Test
	void answerWhenTheBodyCameWithTheHeadThenTheConnectionStays() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "PATCH /refuse HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");

			awaitTimeoutPassed();
			send(socket, "PATCH /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 200 ");
		}
	}

	@Test
	void answerWhenTheBodyFollowsTheAnswerInTimeThenTheConnectionStays() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "PATCH /refuse HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");
			send(socket, "{}");

			awaitTimeoutPassed();
			send(socket, "GET /refuse HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");
		}
	}

	@Test
	void answersWhenRequestsArePipelinedThenEachServedAndTheConnectionStays() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /refuse HTTP/1.1\r\nHost: localhost\r\n\r\n"
					+ "PATCH /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 200 ");

			awaitTimeoutPassed();
			send(socket, "GET /refuse HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");
		}
	}

	// The interim 100 is sent for the body, before it: it answers nothing.
	@Test
	void answerWhenTheBodyFollowedAContinueThenTheConnectionStays() throws IOException {
		try (Socket socket = connect()) {
			send(socket,
					"PATCH /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 100 ");
			send(socket, "{}");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 200 ");

			awaitTimeoutPassed();
			send(socket, "GET /refuse HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");
		}
	}

	/** Returns once a connection whose body never completes has been closed. */
	private static void awaitTimeoutPassed() throws IOException {
		try (Socket witness = connect()) {
			send(witness, "PATCH /refuse HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{");
			assertThat(closedByServer(witness)).as("a connection whose body never completes closed").isTrue();
		}
	}

	private static Socket connect() throws IOException {
		Socket socket = new Socket("127.0.0.1", server.port());
		socket.setSoTimeout(PATIENCE_MILLIS);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	/**
	 * Whether the server closes the connection, reading and dropping what comes before.
	 */
	private static boolean closedByServer(Socket socket) throws IOException {
		try {
			while (socket.getInputStream().read() >= 0) {
				// an answer, dropped
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true; // reset
		}
	}

	/** The head of the next answer; every answer here has an empty body. */
	private static String readHead(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		int matched = 0;
		while (matched < end.length) {
			int next = in.read();
			if (next < 0) {
				break;
			}
			head.write(next);
			matched = (next == end[matched]) ? matched + 1 : ((next == end[0]) ? 1 : 0);
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

}
