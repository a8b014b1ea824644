package dev.porter.e2e.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How the stack's JVMs start a module's packaged jar quickly: Spring Boot's extracted
 * form of that jar ({@code java -Djarmode=tools -jar <jar> extract}, the same classes and
 * resources as plain jars) with a class-data-sharing archive of what the module loads
 * while it starts. A journey run starts each module a dozen times or more; with the
 * archive a start needs about 40 % less CPU, and on two cores starting JVMs is most of a
 * run.
 *
 * <p>
 * The archive is made once per packaged jar (and Java), by a training start that stops
 * once the application context is refreshed ({@code -Dspring.context.exit=onRefresh},
 * before any port is bound), and kept under {@code e2e/target/cds/}. When extracting or
 * training fails, the module starts from its fat jar as before: slower, never wrong.
 * {@code ./run.sh}, which {@code GatewayRunScriptTests} runs, still starts the fat jars.
 */
final class ClassDataSharing {

	/** The JVM options every process of the stack runs with. */
	static final List<String> JVM_OPTIONS = List.of(
			// Small, quick-starting JVMs: several run at once on a 2-core machine.
			"-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
			// Quick to stop: Reactor Netty's event loops otherwise wait out a 2 s quiet
			// period, and a run stops a dozen stacks.
			"-Dreactor.netty.ioShutdownQuietPeriod=0");

	private static final Map<String, Object> locks = new ConcurrentHashMap<>();

	private static final Map<String, List<String>> launches = new ConcurrentHashMap<>();

	private ClassDataSharing() {
	}

	/**
	 * The {@code java} arguments after {@link #JVM_OPTIONS} that start {@code module}:
	 * preparing the archive first if this jar has none yet, with {@code environment} (the
	 * one the first start of the module is given) for its training start.
	 */
	static List<String> launch(String module, Map<String, String> environment) {
		// Threads of one stack start a module's instances at once: one prepares, the
		// others wait for it.
		synchronized (locks.computeIfAbsent(module, (key) -> new Object())) {
			return launches.computeIfAbsent(module, (key) -> prepare(module, environment));
		}
	}

	private static List<String> prepare(String module, Map<String, String> environment) {
		Path jar = Layout.jar(module);
		Path cache = Layout.root().resolve("e2e/target/cds").resolve(module);
		Path extracted = cache.resolve("app").resolve(jar.getFileName());
		Path archive = cache.resolve(module + ".jsa");
		Path done = cache.resolve(".porter-trained");
		try {
			String key = Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + " "
					+ System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
			Files.createDirectories(cache.getParent());
			// Two test JVMs of one checkout must not extract or train over each other.
			try (FileChannel channel = FileChannel.open(cache.getParent().resolve(module + ".lock"),
					StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
				if (!(Files.isRegularFile(done) && Files.readString(done).equals(key))) {
					KeycloakSeed.deleteTree(cache);
					Files.createDirectories(cache);
					run(module + "-extract", List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract",
							"--destination", extracted.getParent().toString()), Map.of());
					List<String> train = new ArrayList<>(List.of(java()));
					train.addAll(JVM_OPTIONS);
					train.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Dspring.context.exit=onRefresh",
							"-jar", extracted.toString()));
					run(module + "-cds-training", train, environment);
					if (!Files.isRegularFile(archive)) {
						throw new IllegalStateException("the training start wrote no " + archive);
					}
					Files.writeString(done, key);
				}
			}
			return List.of("-XX:SharedArchiveFile=" + archive, "-jar", extracted.toString());
		}
		catch (IOException | RuntimeException ex) {
			System.err.println("porter e2e: starting " + module + " from its fat jar, without a class-data archive: "
					+ ex.getMessage());
			return List.of("-jar", jar.toString());
		}
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static void run(String name, List<String> command, Map<String, String> environment) throws IOException {
		Path log = Layout.logs().resolve(name + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
		builder.environment().putAll(environment);
		Process process = builder.start();
		try {
			if (!process.waitFor(5, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException(name + " did not finish within 5 minutes; see " + log);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new UncheckedIOException(new IOException("interrupted: " + name, ex));
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
		}
	}

}
