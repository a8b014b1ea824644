package dev.porter.e2e.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.processes.Layout;
import dev.porter.e2e.processes.ManagedProcess;
import dev.porter.e2e.processes.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./run.sh} as a developer uses it: it starts the stack on the fixed dev ports, a
 * user signs in through it, metrics answer on each service's loopback management port and
 * not on its public one, and stopping it (SIGTERM, as Ctrl-C's sibling) leaves no process
 * and no port behind. The README asks for a JDK and nothing else, so the script runs
 * without curl: this machine's is shadowed by one that fails as a missing command would.
 */
@ResourceLock(RunScriptPreflightTests.DEV_PORTS_LOCK)
class GatewayRunScriptTests {

	/** Each service's public port and its management (actuator) port. */
	private static final Map<Integer, Integer> MANAGEMENT_PORTS = Map.of(9000, 9001, 8081, 9081, 8080, 9080);

	private static final List<Integer> DEV_PORTS = List.of(9000, 8081, 8080, 9001, 9081, 9080);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Duration STARTUP = Duration.ofSeconds(240);

	private static final Duration SHUTDOWN = Duration.ofSeconds(30);

	private static final Duration WARM_UP = Duration.ofSeconds(60);

	/**
	 * The JVM options of the stack's other starts (C1 only, the serial collector), which
	 * every {@code java} the script runs picks up: three JVMs start at once on a 2-core
	 * machine, and what the script does is the same with any options.
	 */
	private static final String QUICK_START = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

	@TempDir
	Path tools;

	@Test
	void runScriptWhenStartedWithoutCurlThenLoginWorksAndStopLeavesNothingRunning() throws IOException {
		for (int port : DEV_PORTS) {
			assumeTrue(!listening(port), "port " + port + " is taken (a ./run.sh or another program): skipping");
		}
		Path curl = Files.writeString(this.tools.resolve("curl"),
				"#!/bin/sh\necho 'curl: command not found' >&2\nexit 127\n");
		assertThat(curl.toFile().setExecutable(true)).isTrue();
		ManagedProcess script = ManagedProcess.start("run-sh", List.of(Layout.root().resolve("run.sh").toString()),
				Map.of("JAVA_TOOL_OPTIONS", QUICK_START, "PATH", this.tools + ":" + System.getenv("PATH")));
		List<ProcessHandle> children;
		try {
			script.awaitLog("Open http://localhost:8080", STARTUP);
			children = script.handle().descendants().toList();

			SpaClient alice = SpaClient.signIn(new Service("gateway", 8080, script), "alice", "alice");
			assertThat(firstAnswerOtherThanUnavailable(alice).status()).isEqualTo(200);
			assertThat(children.stream().filter((child) -> command(child).endsWith("java"))).hasSize(3);
			// Linux routes all of 127/8 to loopback: the gateway, meant for other
			// machines, answers on 127.0.0.2; dev-idp (tokens for the published dev
			// secrets) and profile-service listen on 127.0.0.1 alone, as on a laptop on
			// shared Wi-Fi they must.
			assertThat(listening("127.0.0.2", 8080)).as("gateway on 127.0.0.2").isTrue();
			assertThat(listening("127.0.0.2", 9000)).as("dev-idp on 127.0.0.2").isFalse();
			assertThat(listening("127.0.0.2", 8081)).as("profile-service on 127.0.0.2").isFalse();
			MANAGEMENT_PORTS.forEach((port, management) -> {
				assertThat(status(port, "/actuator/prometheus")).as("metrics on public port " + port).isEqualTo(404);
				assertThat(status(port, "/readyz")).as("readiness on public port " + port).isEqualTo(200);
				assertThat(status(management, "/actuator/prometheus")).as("metrics on management port " + management)
					.isEqualTo(200);
			});
		}
		finally {
			script.close();
		}

		assertThat(script.isAlive()).isFalse();
		awaitAllGone(children);
		assertThat(children).noneMatch(ProcessHandle::isAlive);
		for (int port : DEV_PORTS) {
			assertThat(listening(port)).as("port " + port + " after run.sh stopped").isFalse();
		}
	}

	/**
	 * GET /me until it answers something other than 503. run.sh starts full JVMs from
	 * cold: on a loaded 2-core machine the very first /me (JWKS, M2M token, userinfo and
	 * Management API calls, none of them JIT-compiled yet) can outlast the gateway's 5 s
	 * relay timeout, which the gateway rightly answers with a 503 problem.
	 */
	private static Exchange firstAnswerOtherThanUnavailable(SpaClient client) {
		Instant deadline = Instant.now().plus(WARM_UP);
		Exchange answer = client.getMe();
		while (answer.status() == 503 && Instant.now().isBefore(deadline)) {
			assertThat(answer.header("content-type")).startsWith("application/problem+json");
			answer = client.getMe();
		}
		return answer;
	}

	private static int status(int port, String path) {
		try {
			return HTTP
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String command(ProcessHandle process) {
		return process.info().command().orElse("");
	}

	/**
	 * run.sh waits for its services before it exits; a {@code sleep} of its watch loop
	 * may outlive it by up to a second.
	 */
	private static void awaitAllGone(List<ProcessHandle> processes) {
		Instant deadline = Instant.now().plus(SHUTDOWN);
		for (ProcessHandle process : processes) {
			Duration left = Duration.between(Instant.now(), deadline);
			if (left.isNegative()) {
				return;
			}
			try {
				process.onExit().get(left.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
				return;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static boolean listening(int port) {
		return listening("127.0.0.1", port);
	}

	private static boolean listening(String address, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
