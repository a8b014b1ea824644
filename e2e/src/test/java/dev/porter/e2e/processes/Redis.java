package dev.porter.e2e.processes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.porter.testsupport.FreePorts;

/** redis-server from the OS package, on a free loopback port, without persistence. */
final class Redis {

	private Redis() {
	}

	static boolean installed() {
		return Files.isExecutable(Path.of("/usr/bin/redis-server"));
	}

	static Service start(String label) {
		return start(label, FreePorts.next());
	}

	/**
	 * On a given port: an empty Redis where one was stopped, as after an outage without
	 * persistence.
	 */
	static Service start(String label, int port) {
		if (!installed()) {
			throw new IllegalStateException("redis-server is missing: apt-get install redis-server (.ci/run does)");
		}
		ManagedProcess process = ManagedProcess.start(label + "-redis", List.of("/usr/bin/redis-server", "--port",
				Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"), Map.of());
		process.awaitLog("Ready to accept connections", Duration.ofSeconds(20));
		return new Service("redis", port, process);
	}

}
