package dev.porter.e2e.journeys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, part 1, through real processes: whatever body one signed-in user sends to the
 * relayed API (any content type, chunked, empty, longer or shorter than declared), the
 * next user's request on the gateway's pooled connection to profile-service is answered
 * with that user's own profile. The bug lived in the keep-alive connection between the
 * gateway and profile-service, so only real processes show it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayRelayBodyJourneyTests {

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

	// Time the gateway and this JVM need besides the read timeout itself on a busy
	// machine.
	private static final Duration SLACK = Duration.ofSeconds(8);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private SpaClient alice;

	private SpaClient bob;

	private String aliceSub;

	private String bobSub;

	@BeforeAll
	void startStackAndSignIn() {
		this.stack = Stack.start(StackOptions.standard().withGatewayEnv("REQUEST_READ_TIMEOUT", "2s"));
		this.alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		this.bob = SpaClient.signIn(this.stack.gateway(), "bob", "bob");
		this.aliceSub = sub(this.alice.getMe());
		this.bobSub = sub(this.bob.getMe());
		assertThat(this.aliceSub).isNotEqualTo(this.bobSub);
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	static Stream<Arguments> oddRequests() {
		String json = "{\"theme\":\"dark\"}";
		String big = "{\"k\":\"" + "x".repeat(17 * 1024) + "\"}";
		return Stream.of(
				Arguments.of("form PATCH, token in the header only", "PATCH", "/me/metadata",
						"Content-Type: application/x-www-form-urlencoded\r\n", sized("theme=dark"), 415),
				Arguments.of("form PATCH with a wrong _csrf field", "PATCH", "/me/metadata",
						"Content-Type: application/x-www-form-urlencoded\r\n", sized("_csrf=wrong&theme=dark"), 415),
				Arguments.of("multipart PATCH", "PATCH", "/me/metadata",
						"Content-Type: multipart/form-data; boundary=b\r\n",
						sized("--b\r\nContent-Disposition: form-data; name=\"theme\"\r\n\r\ndark\r\n--b--\r\n"), 415),
				Arguments.of("text PATCH", "PATCH", "/me/metadata", "Content-Type: text/plain\r\n", sized(json), 415),
				Arguments.of("PATCH without a content type", "PATCH", "/me/metadata", "", sized(json), 415),
				Arguments.of("JSON PATCH", "PATCH", "/me/metadata", "Content-Type: application/json\r\n", sized(json),
						200),
				Arguments.of("merge-patch PATCH, chunked", "PATCH", "/me/metadata",
						"Content-Type: application/merge-patch+json\r\n", chunked(json), 200),
				Arguments.of("JSON PATCH, empty with Content-Length 0", "PATCH", "/me/metadata",
						"Content-Type: application/json\r\n", sized(""), 400),
				Arguments.of("JSON PATCH over 16 KiB", "PATCH", "/me/metadata", "Content-Type: application/json\r\n",
						sized(big), 413),
				Arguments.of("GET with a body", "GET", "/me", "Content-Type: application/json\r\n", sized(json), 400),
				Arguments.of("GET with a chunked body", "GET", "/me", "", chunked(json), 400),
				Arguments.of("GET with Content-Length 0", "GET", "/me", "", sized(""), 200),
				Arguments.of("JSON PATCH declaring 100 bytes, sending 13", "PATCH", "/me/metadata",
						"Content-Type: application/json\r\nContent-Length: 100\r\n", "\r\n{\"theme\":\"x\"}", 408));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("oddRequests")
	void relayWhenOneUserSendsOddBodyThenNextUsersGetTheirOwnProfile(String name, String method, String path,
			String headers, String framedBody, int expectedStatus) {
		String request = method + " " + path + " HTTP/1.1\r\nHost: localhost:" + this.stack.gateway().port()
				+ "\r\nAccept: application/json\r\nCookie: " + cookies(this.alice) + "\r\nX-XSRF-TOKEN: "
				+ this.alice.xsrfToken() + "\r\n" + headers + framedBody;

		RawResponse answer = send(request);

		assertThat(answer.status()).as(name + ": " + answer.head()).isEqualTo(expectedStatus);
		if (expectedStatus >= 400) {
			assertThat(answer.head().toLowerCase()).contains("content-type: application/problem+json");
		}
		Exchange bobs = this.bob.getMe();
		assertThat(bobs.status()).as("bob's GET /me after: " + name).isEqualTo(200);
		assertThat(sub(bobs)).isEqualTo(this.bobSub);
		Exchange alices = this.alice.getMe();
		assertThat(alices.status()).as("alice's GET /me after: " + name).isEqualTo(200);
		assertThat(sub(alices)).isEqualTo(this.aliceSub);
	}

	private static String sized(String body) {
		return "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
	}

	private static String chunked(String body) {
		return "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length)
				+ "\r\n" + body + "\r\n0\r\n\r\n";
	}

	private static String cookies(SpaClient client) {
		return SpaClient.SESSION_COOKIE + "=" + client.sessionCookie() + "; XSRF-TOKEN=" + client.xsrfToken();
	}

	private static String sub(Exchange exchange) {
		return mapper.readTree(exchange.body()).get("sub").asString();
	}

	/**
	 * Writes the request as is (no client fixes its framing) and reads the first
	 * response, waiting at most the read timeout plus slack.
	 */
	private RawResponse send(String request) {
		try (Socket socket = new Socket("localhost", this.stack.gateway().port())) {
			socket.setSoTimeout(Math.toIntExact(READ_TIMEOUT.plus(SLACK).toMillis()));
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			return RawResponse.read(socket.getInputStream());
		}
		catch (SocketTimeoutException ex) {
			return new RawResponse(-1, "no answer within " + READ_TIMEOUT.plus(SLACK));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private record RawResponse(int status, String head) {

		/** Reads the status line and headers of one response. */
		static RawResponse read(InputStream in) throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			int matched = 0;
			byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
			while (matched < end.length) {
				int next = in.read();
				if (next < 0) {
					break;
				}
				head.write(next);
				matched = (next == end[matched]) ? matched + 1 : ((next == end[0]) ? 1 : 0);
			}
			String text = head.toString(StandardCharsets.US_ASCII);
			if (!text.startsWith("HTTP/1.1 ")) {
				return new RawResponse(-1, "connection closed without an answer: " + text);
			}
			return new RawResponse(Integer.parseInt(text.substring(9, 12)), text);
		}

	}

}
