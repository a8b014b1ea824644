package dev.porter.devidp.config;

import dev.porter.devidp.DevIdpServerTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DNS rebinding: a web page on {@code evil.example} that re-points its name at 127.0.0.1
 * makes the developer's browser send requests from loopback to dev-idp, with
 * {@code Host: evil.example}. The loopback peer check alone lets them through, so the
 * {@code /dev/**} controls also refuse a {@code Host} that is not a loopback name.
 * Requests are written over a socket because HTTP clients set {@code Host} themselves.
 */
class DevControlsHostTests extends DevIdpServerTestSupport {

	@LocalServerPort
	int port;

	@AfterEach
	void clearFaults() throws IOException {
		assertThat(send("DELETE /dev/faults", "localhost:" + this.port, null)).startsWith("HTTP/1.1 204");
	}

	// ("[::1].evil.example" never gets here: Tomcat answers 400 to a malformed Host.)
	@ParameterizedTest
	@ValueSource(
			strings = { "evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil.example:9000",
					"localhost.evil.example:{port}", "evil.localhost", "192.0.2.2:{port}", "0.0.0.0:{port}" })
	void getWhenHostIsNotLoopbackNameThenForbidden(String host) throws IOException {
		String response = send("GET /dev/issued-tokens", host.replace("{port}", "" + this.port), null);

		assertThat(response).startsWith("HTTP/1.1 403").doesNotContain("access_token");
	}

	@Test
	void putFaultWhenHostIsRebindingNameThenForbiddenAndNoFaultSet() throws IOException {
		String response = send("PUT /dev/faults/token", "evil.example:" + this.port, """
				{"error_rate":1.0}""");

		assertThat(response).startsWith("HTTP/1.1 403");
		assertThat(send("GET /dev/faults", "localhost:" + this.port, null)).startsWith("HTTP/1.1 200")
			.doesNotContain("error_rate\":1.0");
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "localhost:{port}", "LocalHost:{port}", "127.0.0.1", "127.0.0.1:{port}",
			"[::1]", "[::1]:{port}" })
	void getWhenHostIsLoopbackNameThenAnswered(String host) throws IOException {
		String response = send("GET /dev/faults", host.replace("{port}", "" + this.port), null);

		assertThat(response).startsWith("HTTP/1.1 200");
	}

	private String send(String requestLine, String host, String json) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: ")
				.append(host)
				.append("\r\nConnection: close\r\n");
			byte[] body = (json != null) ? json.getBytes(StandardCharsets.UTF_8) : new byte[0];
			if (json != null) {
				request.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
