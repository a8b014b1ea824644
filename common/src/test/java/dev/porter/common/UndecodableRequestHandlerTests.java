package dev.porter.common;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests Reactor Netty refuses before any of a service's code runs are answered with
 * the problem given for their status, not an empty body. On a bare Reactor Netty server,
 * the handler where each service's customizer puts it; the server answers every request
 * it could decode with an empty 400 of its own.
 */
class UndecodableRequestHandlerTests {

	private static final Map<Integer, byte[]> PROBLEMS = Map.of(400, problem(400), 414, problem(414), 431,
			problem(431));

	private static DisposableServer server;

	@BeforeAll
	static void start() {
		server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnChannelInit((observer, channel, remoteAddress) -> channel.pipeline()
				.addAfter(NettyPipeline.HttpCodec, UndecodableRequestHandler.NAME,
						new UndecodableRequestHandler(PROBLEMS)))
			.handle((request, response) -> response.status(400).send())
			.bindNow();
	}

	@AfterAll
	static void stop() {
		server.disposeNow();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "header too large|431", "URI too long|414", "malformed request line|400",
			"invalid header name|400" })
	void requestWhenNettyCannotDecodeItThenProblemJsonAndConnectionClosed(String name, int status) throws IOException {
		String response = exchangeRaw(rawRequest(name));

		int headerEnd = response.indexOf("\r\n\r\n");
		String head = response.substring(0, headerEnd).toLowerCase();
		assertThat(head).startsWith("http/1.1 " + status + " ")
			.contains("content-type: application/problem+json")
			.contains("cache-control: no-store")
			.contains("content-length: " + problem(status).length)
			.contains("connection: close");
		assertThat(response.substring(headerEnd + 4)).isEqualTo(new String(problem(status), StandardCharsets.UTF_8));
	}

	// A service's own empty answer to a request it read is its own business.
	@Test
	void requestWhenDecodedAndAnsweredEmptyThenLeftAsItIs() throws IOException {
		String response = exchangeRaw("GET /me HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

		int headerEnd = response.indexOf("\r\n\r\n");
		assertThat(response.substring(0, headerEnd).toLowerCase()).startsWith("http/1.1 400 ")
			.doesNotContain("content-type");
		assertThat(response.substring(headerEnd + 4)).isEmpty();
	}

	private static byte[] problem(int status) {
		return ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
	}

	private static String rawRequest(String name) {
		return switch (name) {
			case "header too large" ->
				"GET /me HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n";
			case "URI too long" -> "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
			case "malformed request line" -> "GET /me HTTP/1.1 junk\r\nHost: localhost\r\n\r\n";
			default -> "GET /me HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n";
		};
	}

	private static String exchangeRaw(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", server.port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
