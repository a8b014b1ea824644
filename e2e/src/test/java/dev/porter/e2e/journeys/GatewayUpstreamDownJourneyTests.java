package dev.porter.e2e.journeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway with profile-service gone: the SPA gets a 503 problem with
 * {@code Retry-After}, never a hang (the browser gives up after {@link UserAgent}'s 30 s)
 * or a 500. How soon it comes is not asserted (load on the machine stretches it), only
 * that a silent upstream is waited for the relay's whole response timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayUpstreamDownJourneyTests {

	private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);

	/** How long the first relayed call may keep answering 503 while the JVMs warm up. */
	private static final Duration WARM_UP = Duration.ofSeconds(60);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private SpaClient alice;

	@BeforeAll
	void startStackAndStopProfileService() {
		this.stack = Stack.start(StackOptions.standard()
			.withGatewayEnv("RELAY_CONNECT_TIMEOUT", "1s")
			.withGatewayEnv("RELAY_RESPONSE_TIMEOUT", RESPONSE_TIMEOUT.toSeconds() + "s"));
		this.alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		Exchange before = firstAnswerOtherThanUnavailable(this.alice);
		assertThat(before.status()).as("profile-service answers before it is stopped").isEqualTo(200);
		this.stack.stop(this.stack.profileService());
	}

	/**
	 * GET /me until it answers something other than 503: on a busy 2-core machine the
	 * very first relayed call (JWKS, M2M token, userinfo and Management API calls on cold
	 * JVMs) can outlast this stack's 2 s response timeout, which the gateway rightly
	 * answers with a 503 problem.
	 */
	private static Exchange firstAnswerOtherThanUnavailable(SpaClient client) {
		Instant deadline = Instant.now().plus(WARM_UP);
		Exchange answer = client.getMe();
		while (answer.status() == 503 && Instant.now().isBefore(deadline)) {
			answer = client.getMe();
		}
		return answer;
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	@Test
	void getMeWhenProfileServiceStoppedThenServiceUnavailableProblem() {
		Exchange response = this.alice.getMe();

		assertUnavailableProblem(response);
	}

	@Test
	void getMeWhenProfileServicePortAcceptsButNeverAnswersThenServiceUnavailableAfterResponseTimeout() {
		try (SilentServer silent = SilentServer.on(this.stack.profileService().port())) {
			long start = System.nanoTime();
			Exchange response = this.alice.getMe();
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

			assertUnavailableProblem(response);
			// The relay's timeout answered, not a refused connection or an open breaker:
			// no load makes it come sooner.
			assertThat(elapsed).isGreaterThanOrEqualTo(RESPONSE_TIMEOUT.minusMillis(100));
		}
	}

	private static void assertUnavailableProblem(Exchange response) {
		assertThat(response.status()).as(response.body()).isEqualTo(503);
		assertThat(response.header("content-type")).startsWith("application/problem+json");
		assertThat(response.header("retry-after")).isNotBlank();
		JsonNode problem = mapper.readTree(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(503);
		assertThat(response.body()).doesNotContainIgnoringCase("exception");
	}

	/**
	 * A listener on the stopped service's port that accepts connections and never
	 * answers, as a hung process would.
	 */
	private static final class SilentServer implements AutoCloseable {

		private final ServerSocket socket;

		private final List<Socket> accepted = new ArrayList<>();

		private final Thread acceptor;

		private SilentServer(ServerSocket socket) {
			this.socket = socket;
			this.acceptor = new Thread(this::acceptForever, "silent-server");
			this.acceptor.setDaemon(true);
			this.acceptor.start();
		}

		static SilentServer on(int port) {
			try {
				ServerSocket socket = new ServerSocket();
				socket.setReuseAddress(true);
				socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
				return new SilentServer(socket);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot listen on " + port, ex);
			}
		}

		private void acceptForever() {
			try {
				while (!this.socket.isClosed()) {
					Socket connection = this.socket.accept();
					synchronized (this.accepted) {
						this.accepted.add(connection);
					}
				}
			}
			catch (IOException ex) {
				// closed: the test is over
			}
		}

		@Override
		public void close() {
			try {
				this.socket.close();
				synchronized (this.accepted) {
					for (Socket connection : this.accepted) {
						connection.close();
					}
				}
				this.acceptor.join(2000);
			}
			catch (IOException ex) {
				// closing is best effort
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
