package dev.porter.devidp.management;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RawConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Management API write whose sender leaves before its body is whole (an orderly close
 * or a reset): Tomcat's read fails, and it was a 500 with an ERROR line and a stack
 * trace, where Auth0 answers a bad body 400; the user is left as she was.
 */
@ExtendWith(OutputCaptureExtension.class)
class ManagementCutOffBodyTests extends ManagementApiTestSupport {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@Autowired
	private MeterRegistry meters;

	@ParameterizedTest(name = "{0} body, reset: {1}")
	@CsvSource({ "sized, false", "sized, true", "chunked, false", "chunked, true" })
	void patchWhenTheCallerLeavesBeforeTheBodyIsWholeThenBadRequestNothingAtErrorAndUserUnchanged(String framing,
			boolean reset, CapturedOutput output) {
		String id = createUser(Map.of("user_metadata", Map.of("theme", "light")));
		int outputStart = output.getAll().length();
		long before = patchesAnswered("400");

		RawConnection connection = RawConnection.open(this.port);
		connection.send("PATCH /api/v2/users/" + id.replace("|", "%7C") + " HTTP/1.1\r\nHost: localhost\r\n"
				+ "Authorization: " + bearer("update:users") + "\r\nContent-Type: application/json\r\n"
				+ ("sized".equals(framing) ? "Content-Length: 100\r\n\r\n{\"user_metadata\":"
						: "Transfer-Encoding: chunked\r\n\r\n11\r\n{\"user_metadata\":\r\n"));
		if (reset) {
			connection.reset();
		}
		else {
			connection.close();
		}
		Eventually.await("the cut-off PATCH answered 400", PATIENCE, () -> patchesAnswered("400") > before);

		String own = output.getAll().substring(outputStart);
		assertThat(own.lines().filter((line) -> line.contains(" ERROR "))).isEmpty();
		assertThat(own).doesNotContain("\tat ");
		this.client.get()
			.uri("/api/v2/users/{id}", id)
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectBody()
			.jsonPath("$.user_metadata.theme")
			.isEqualTo("light");
	}

	// A sender that only half-closes (shuts down its side, still reading) gets the
	// answer.
	// Tomcat answers a body it could not read 400 itself, through the error page, which
	// was Spring Boot's JSON; Auth0 clients parse Auth0's shape. (A plain socket:
	// RawConnection cannot half-close.)
	@Test
	void patchWhenTheCallerHalfClosesBeforeTheBodyIsWholeThenAuth0sBadRequest() throws Exception {
		String id = createUser(Map.of("user_metadata", Map.of("theme", "light")));
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.getOutputStream()
				.write(("PATCH /api/v2/users/" + id.replace("|", "%7C") + " HTTP/1.1\r\nHost: localhost\r\n"
						+ "Authorization: " + bearer("update:users") + "\r\nContent-Type: application/json\r\n"
						+ "Content-Length: 100\r\n\r\n{\"user_metadata\":")
					.getBytes(StandardCharsets.ISO_8859_1));
			socket.shutdownOutput();
			socket.setSoTimeout(Math.toIntExact(PATIENCE.toMillis()));
			String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

			assertThat(answer).startsWith("HTTP/1.1 400 ")
				.contains("\"statusCode\":400", "\"error\":\"Bad Request\"", "\"errorCode\":\"invalid_body\"")
				.doesNotContain("timestamp");
		}
	}

	private long patchesAnswered(String status) {
		return this.meters.find("http.server.requests")
			.tags("method", "PATCH", "status", status)
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

}
