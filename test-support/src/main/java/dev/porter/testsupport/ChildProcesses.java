package dev.porter.testsupport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stopping a process a test started, so that none outlives the run.
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

}
