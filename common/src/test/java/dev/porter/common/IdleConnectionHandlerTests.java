package dev.porter.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that owes no answer for the timeout is closed: nothing sent, a head that
 * never ends, nothing after an answer, the body of an answered request that never
 * completes; one that owes an answer is not, however long its body or its answer takes.
 * On a bare Reactor Netty server (no idle timeout of its own) with the handler where each
 * service's customizer puts it: {@code /refuse} answers at once without reading the body,
 * {@code /read} reads it first, {@code /hold} answers when the test lets it.
 */
class IdleConnectionHandlerTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	/** Far past the timeout: what is asserted is that the server closes, not how fast. */
	private static final int PATIENCE_MILLIS = 10_000;

	private static DisposableServer server;

	/** The answers of {@code /hold/{name}}, each sent when the test releases it. */
	private static final Map<String, Sinks.Empty<Void>> HELD = new ConcurrentHashMap<>();

	@BeforeAll
	static void start() {
		server = IdleConnectionHandler.closeIdleConnections(HttpServer.create().host("127.0.0.1").port(0), TIMEOUT)
			.handle((request, response) -> {
				if (request.uri().startsWith("/refuse")) {
					return response.status(401).send();
				}
				if (request.uri().startsWith("/hold/")) {
					return held(request.uri().substring("/hold/".length())).asMono()
						.then(Mono.defer(() -> response.status(200).send()));
				}
				return request.receive().aggregate().then(Mono.defer(() -> response.status(200).send()));
			})
			.bindNow();
	}

	@AfterAll
	static void stop() {
		server.disposeNow();
	}

	@Test
	void connectionWhenNothingIsSentThenClosed() throws IOException {
		try (Socket socket = connect()) {
			assertThat(closedByServer(socket)).isTrue();
		}
	}

	// With HTTP/2 over cleartext enabled (server.http2.enabled) Reactor Netty builds a
	// pipeline without the named HTTP/1.1 codec the handler sits behind.
	@Test
	void connectionWhenHttp2IsEnabledAndNothingIsSentThenClosed() throws IOException {
		DisposableServer h2c = IdleConnectionHandler
			.closeIdleConnections(
					HttpServer.create().host("127.0.0.1").port(0).protocol(HttpProtocol.HTTP11, HttpProtocol.H2C),
					TIMEOUT)
			.handle((request, response) -> response.status(401).send())
			.bindNow();
		try (Socket socket = new Socket("127.0.0.1", h2c.port())) {
			socket.setSoTimeout(PATIENCE_MILLIS);

			assertThat(closedByServer(socket)).isTrue();
		}
		finally {
			h2c.disposeNow();
		}
	}

	@Test
	void connectionWhenTheHeadNeverEndsThenClosed() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /refuse HTTP/1.1\r\nHost: localhost\r\n");

			assertThat(closedByServer(socket)).isTrue();
		}
	}

	@Test
	void connectionWhenIdleAfterAnAnswerThenClosed() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /refuse HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");

			assertThat(closedByServer(socket)).isTrue();
		}
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
	void requestWhenItsAnswerOutlastsTheTimeoutThenAnswered() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /hold/answer HTTP/1.1\r\nHost: localhost\r\n\r\n");

			awaitTimeoutPassed();
			release("answer");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 200 ");
		}
	}

	@Test
	void requestWhenItsBodyOutlastsTheTimeoutThenAnswered() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "PATCH /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{");

			awaitTimeoutPassed();
			send(socket, "}");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 200 ");
		}
	}

	@Test
	void requestWhenPipelinedBehindAnAnsweredOneThenAnswered() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /refuse HTTP/1.1\r\nHost: localhost\r\n\r\n"
					+ "GET /hold/pipelined HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 401 ");

			awaitTimeoutPassed();
			release("pipelined");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 200 ");
		}
	}

	// The interim 100 is sent for the body, before it: it answers nothing.
	@Test
	void requestWhenItsBodyFollowsAContinueAfterTheTimeoutThenAnswered() throws IOException {
		try (Socket socket = connect()) {
			send(socket,
					"PATCH /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 100 ");

			awaitTimeoutPassed();
			send(socket, "{}");
			assertThat(readHead(socket)).startsWith("HTTP/1.1 200 ");
		}
	}

	private static void release(String name) {
		held(name).tryEmitEmpty();
	}

	private static Sinks.Empty<Void> held(String name) {
		return HELD.computeIfAbsent(name, (key) -> Sinks.empty());
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
