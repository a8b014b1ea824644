package dev.porter.gateway.problem;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.porter.gateway.support.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests Reactor Netty refuses before any Spring code runs are answered with this
 * service's problem+json, one per status it refuses with: the customizer puts common's
 * {@code UndecodableRequestHandler} in the pipeline with this service's bodies. How the
 * handler answers every refusal: {@code UndecodableRequestHandlerTests} in common.
 */
class UndecodableRequestTests extends GatewayTestSupport {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "header too large|431|header-fields-too-large",
			"URI too long|414|uri-too-long", "malformed request line|400|malformed-request" })
	void requestWhenNettyCannotDecodeItThenThisServicesProblemJson(String name, int status, String type)
			throws IOException {
		String response = exchangeRaw(rawRequest(name));

		int headerEnd = response.indexOf("\r\n\r\n");
		String head = response.substring(0, headerEnd).toLowerCase();
		assertThat(head).startsWith("http/1.1 " + status + " ").contains("content-type: application/problem+json");
		JsonNode problem = mapper.readTree(response.substring(headerEnd + 4));
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("type").asString()).isEqualTo("https://porter.example/problems/" + type);
	}

	private static String rawRequest(String name) {
		return switch (name) {
			case "header too large" ->
				"GET /me HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n";
			case "URI too long" -> "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
			default -> "GET /me HTTP/1.1 junk\r\nHost: localhost\r\n\r\n";
		};
	}

	private String exchangeRaw(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
