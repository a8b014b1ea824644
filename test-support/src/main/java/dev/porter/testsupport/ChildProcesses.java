package dev.porter.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stopping a process a test started, so that none outlives the run, and running a short
 * command with a bound on how long it may take.
 */
public final class ChildProcesses {

	private ChildProcesses() {
	}

	/**
	 * Asks {@code process} to stop (SIGTERM), gives it {@code grace} to shut down
	 * cleanly, then kills it; returns once it has ended or a further 5 s have passed.
	 */
	public static void stop(Process process, Duration grace) {
		process.destroy();
		try {
			if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}

	/**
	 * Has {@code process} stopped (as {@link #stop(Process, Duration)} does) when the JVM
	 * exits: the safety net for a test that never stops it. Stopping it with
	 * {@link #stop(Process, Duration, Thread)} removes the net.
	 * @return the exit hook
	 */
	public static Thread stopOnExit(Process process, Duration grace) {
		Thread hook = new Thread(() -> stop(process, grace), "stop-pid-" + process.pid());
		Runtime.getRuntime().addShutdownHook(hook);
		return hook;
	}

	/**
	 * Stops {@code process} as {@link #stop(Process, Duration)} does, and removes the
	 * exit hook {@link #stopOnExit} registered for it.
	 */
	public static void stop(Process process, Duration grace, Thread exitHook) {
		stop(process, grace);
		try {
			Runtime.getRuntime().removeShutdownHook(exitHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already exiting and runs the hook itself
		}
	}

	/**
	 * Runs {@code command} to its end, its output and error together: killed (with what
	 * it started), and an {@link IllegalStateException}, once {@code within} has passed.
	 * The output goes to a file, not a pipe, so that the wait is bounded: reading a pipe
	 * to its end waits as long as the command keeps it open.
	 */
	public static Finished run(ProcessBuilder command, Duration within) throws IOException, InterruptedException {
		Path output = Files.createTempFile("porter-command", ".out");
		try {
			Process process = command.redirectErrorStream(true).redirectOutput(output.toFile()).start();
			if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				throw new IllegalStateException(
						command.command().get(0) + " did not end within " + within + ": " + read(output));
			}
			return new Finished(process.exitValue(), read(output));
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	private static String read(Path output) throws IOException {
		return new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
	}

	/** How a command {@link #run} ended, and what it wrote. */
	public record Finished(int exitValue, String output) {
	}

}
