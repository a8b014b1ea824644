package dev.porter.e2e.journeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.porter.e2e.agents.DevIdpDirectory;
import dev.porter.e2e.agents.DevIdpLogin;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.agents.Tokens;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.journeys.BadRequestCorpus.BadRequest;
import dev.porter.e2e.processes.Service;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 §6: every body of the bad-request corpus is refused with a problem naming
 * where it is wrong, whether a signed-in browser sends it through the gateway or a token
 * holder sends it straight to profile-service, and the directory's {@code user_metadata}
 * is the same afterwards. Requests Netty itself refuses (too long a URI or header, a
 * malformed request line) are answered with a problem too, not an empty body.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetadataInputRefusalJourneyTests {

	private static final String ALICE = "auth0|5f7c8ec7c33c6c004bbafe82";

	private static final String CORPUS = "/corpus/metadata-bad-requests.tsv";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private SpaClient browser;

	private Tokens tokens;

	private DevIdpDirectory directory;

	/**
	 * The token holder calling profile-service directly; it keeps no cookies to matter.
	 */
	private final UserAgent tokenHolder = new UserAgent();

	@BeforeAll
	void startStack() {
		// The corpus is sent quickly by one user: the per-user limits are not what is
		// tested.
		this.stack = Stack.start(StackOptions.standard()
			.withGatewayEnv("RATE_LIMIT", "100000")
			.withProfileEnv("PROFILE_CALLER_RATE_LIMIT", "100000"));
		this.browser = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		this.tokens = DevIdpLogin.login(this.stack, "alice", "alice");
		this.directory = new DevIdpDirectory(this.stack);
		// One accepted request down each path first, so that the first refused case is
		// not
		// also the one that pays for cold connection pools and the M2M token.
		assertThat(this.browser.getMe().status()).isEqualTo(200);
		assertThat(this.tokenHolder
			.get(this.stack.profileService().uri("/me"), "Authorization", "Bearer " + this.tokens.accessToken())
			.status()).isEqualTo(200);
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	static Stream<Arguments> corpus() {
		List<Arguments> cases = new ArrayList<>();
		for (BadRequest request : BadRequestCorpus.load(CORPUS)) {
			cases.add(Arguments.of(Via.GATEWAY, request));
			cases.add(Arguments.of(Via.PROFILE_SERVICE, request));
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("corpus")
	void patchMetadataWhenBodyBadThenProblemNamingPointerAndMetadataUnchanged(Via via, BadRequest request) {
		JsonNode before = this.directory.userMetadata(ALICE);

		Exchange response = send(via, request);

		assertThat(response.status()).as(response.body()).isEqualTo(request.status());
		assertThat(response.header("content-type")).startsWith("application/problem+json");
		JsonNode problem = mapper.readTree(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(request.status());
		if (request.pointer() != null) {
			List<String> pointers = new ArrayList<>();
			problem.path("errors").forEach((error) -> pointers.add(error.get("pointer").asString()));
			assertThat(pointers).as(response.body()).contains(request.pointer());
		}
		assertThat(this.directory.userMetadata(ALICE)).as("user_metadata after the refused request").isEqualTo(before);
	}

	static Stream<Arguments> rawRequests() {
		List<Arguments> cases = new ArrayList<>();
		for (String service : List.of("gateway", "profile-service")) {
			cases.add(Arguments.of(service, "header too large", 431,
					"GET /me HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"));
			cases.add(Arguments.of(service, "URI too long", 414,
					"GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
			cases.add(Arguments.of(service, "malformed request line", 400,
					"GET /me HTTP/1.1 junk\r\nHost: localhost\r\n\r\n"));
			cases.add(Arguments.of(service, "invalid header name", 400,
					"GET /me HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n"));
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("rawRequests")
	void requestWhenNettyRefusesItThenProblemJsonAndConnectionClosed(String service, String name, int status,
			String request) {
		Service target = service.equals("gateway") ? this.stack.gateway() : this.stack.profileService();

		String response = exchangeRaw(target, request);

		int headerEnd = response.indexOf("\r\n\r\n");
		assertThat(headerEnd).as(response).isPositive();
		String head = response.substring(0, headerEnd).toLowerCase();
		assertThat(head).startsWith("http/1.1 " + status + " ");
		assertThat(head).contains("content-type: application/problem+json").contains("connection: close");
		JsonNode problem = mapper.readTree(response.substring(headerEnd + 4));
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("type").asString()).startsWith("https://porter.example/problems/");
		assertThat(problem.get("title").asString()).isNotBlank();
	}

	private Exchange send(Via via, BadRequest request) {
		List<String> headers = new ArrayList<>(List.of("Accept", "application/json"));
		if (request.contentType() != null) {
			headers.addAll(List.of("Content-Type", request.contentType()));
		}
		HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofByteArray(request.body());
		if (via == Via.GATEWAY) {
			headers.addAll(List.of("X-XSRF-TOKEN", this.browser.xsrfToken()));
			return this.browser.agent()
				.send("PATCH", this.browser.uri("/me/metadata"), body, headers.toArray(String[]::new));
		}
		headers.addAll(List.of("Authorization", "Bearer " + this.tokens.accessToken()));
		return this.tokenHolder.send("PATCH", this.stack.profileService().uri("/me/metadata"), body,
				headers.toArray(String[]::new));
	}

	/** Writes raw bytes and reads until the server closes the connection. */
	private static String exchangeRaw(Service target, String request) {
		try (Socket socket = new Socket("127.0.0.1", target.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	enum Via {

		/** A signed-in browser session with the CSRF header. */
		GATEWAY,

		/** A bearer token sent straight to profile-service. */
		PROFILE_SERVICE

	}

}
