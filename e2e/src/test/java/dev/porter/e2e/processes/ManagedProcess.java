package dev.porter.e2e.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
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

import dev.porter.testsupport.ChildProcesses;

/**
 * One operating-system process of the stack (a packaged jar, or redis-server), with its
 * output in a log file under {@code e2e/target/logs}. It is stopped on {@link #close()}
 * and, as a safety net, when the test JVM exits, so a test never leaves a process
 * running.
 */
public final class ManagedProcess implements AutoCloseable {

	private static final Duration GRACE = Duration.ofSeconds(15);

	private static final HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private final String name;

	private final Process process;

	private final Path log;

	private final Thread shutdownHook;

	private ManagedProcess(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
		this.shutdownHook = ChildProcesses.stopOnExit(process, GRACE);
	}

	public static ManagedProcess start(String name, List<String> command, Map<String, String> environment) {
		Path log = Layout.logs().resolve(name + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
		builder.environment().putAll(environment);
		try {
			return new ManagedProcess(name, builder.start(), log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start " + name + ": " + command, ex);
		}
	}

	/**
	 * Waits until {@code url} answers 200, failing early (with the log's tail) if the
	 * process dies.
	 */
	public ManagedProcess awaitHttpOk(URI url, Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						this.name + " exited with " + this.process.exitValue() + "\n" + logTail());
			}
			if (answersOk(url)) {
				return this;
			}
			pause(Duration.ofMillis(200));
		}
		throw new IllegalStateException(this.name + " not ready at " + url + " within " + timeout + "\n" + logTail());
	}

	/** Waits until the process has written {@code text} to its output. */
	public ManagedProcess awaitLog(String text, Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (logText().contains(text)) {
				return this;
			}
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						this.name + " exited with " + this.process.exitValue() + "\n" + logTail());
			}
			pause(Duration.ofMillis(100));
		}
		throw new IllegalStateException(this.name + " did not log '" + text + "' within " + timeout + "\n" + logTail());
	}

	/** The operating-system process, e.g. to find the children a script started. */
	public ProcessHandle handle() {
		return this.process.toHandle();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public String logText() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "";
		}
	}

	@Override
	public void close() {
		ChildProcesses.stop(this.process, GRACE, this.shutdownHook);
	}

	private String logTail() {
		String text = logText();
		return "--- last lines of " + this.log + " ---\n" + text.substring(Math.max(0, text.length() - 4000));
	}

	private static boolean answersOk(URI url) {
		try {
			HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
			return probe.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	// Polling a process that is starting up: the interval bounds how soon readiness is
	// seen, not whether it is.
	private static void pause(Duration interval) {
		try {
			Thread.sleep(interval.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting", ex);
		}
	}

}
