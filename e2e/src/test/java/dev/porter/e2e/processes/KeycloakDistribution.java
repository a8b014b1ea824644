package dev.porter.e2e.processes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Keycloak's server distribution ({@code org.keycloak:keycloak-quarkus-dist}, which Maven
 * resolved for this module), unpacked and built ("augmented") once under
 * {@code e2e/target/keycloak/}: later runs start the cached copy with
 * {@code start --optimized} and neither unpack nor build again.
 *
 * <p>
 * The build fixes what Keycloak only reads at build time: an H2 file database (each
 * server gets its own copy of {@link KeycloakSeed}'s) and the health endpoints the
 * launcher waits on.
 */
final class KeycloakDistribution {

	static final List<String> BUILD_OPTIONS = List.of("--db=dev-file", "--health-enabled=true");

	private static final String VERSION = System.getProperty("porter.keycloak.version", "26.7.3");

	private KeycloakDistribution() {
	}

	/**
	 * The Keycloak home, unpacked and built with {@link #BUILD_OPTIONS}; the first call
	 * of a clean checkout takes about a minute.
	 */
	static Path home(Path javaHome) {
		Path cache = Layout.root().resolve("e2e/target/keycloak");
		Path home = cache.resolve("keycloak-" + VERSION);
		Path built = home.resolve(".porter-built");
		String buildKey = String.join(" ", BUILD_OPTIONS);
		try {
			Files.createDirectories(cache);
			// Two test JVMs of one checkout (a rerun while one still runs) must not
			// unpack
			// or build over each other.
			try (FileChannel channel = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
				if (Files.isRegularFile(built) && Files.readString(built).equals(buildKey)) {
					return home;
				}
				if (!Files.isDirectory(home)) {
					unpack(zip(), cache, home);
				}
				build(home, javaHome);
				Files.writeString(built, buildKey);
				return home;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot prepare Keycloak under " + cache, ex);
		}
	}

	/** The zip in the local Maven repository, as the build resolved it. */
	private static Path zip() {
		String resolved = System.getProperty("porter.keycloak.zip", "");
		Path zip = (resolved.isEmpty() || resolved.startsWith("${"))
				? Path.of(System.getProperty("user.home"), ".m2/repository/org/keycloak/keycloak-quarkus-dist", VERSION,
						"keycloak-quarkus-dist-" + VERSION + ".zip")
				: Path.of(resolved);
		if (!Files.isRegularFile(zip)) {
			throw new IllegalStateException(zip + " is missing: run the e2e tests through Maven (it resolves "
					+ "org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip)");
		}
		return zip;
	}

	/**
	 * Unpacks into a scratch directory first, so an interrupted run never leaves a half
	 * distribution that looks complete.
	 */
	private static void unpack(Path zip, Path cache, Path home) throws IOException {
		Path scratch = Files.createTempDirectory(cache, "unpack-");
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
				Path target = scratch.resolve(entry.getName()).normalize();
				if (!target.startsWith(scratch)) {
					throw new IOException("zip entry outside the distribution: " + entry.getName());
				}
				if (entry.isDirectory()) {
					Files.createDirectories(target);
				}
				else {
					Files.createDirectories(target.getParent());
					copy(in, target);
				}
			}
		}
		Path unpacked = scratch.resolve(home.getFileName());
		for (String script : List.of("kc.sh", "kcadm.sh")) {
			unpacked.resolve("bin").resolve(script).toFile().setExecutable(true);
		}
		Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
		KeycloakSeed.deleteTree(scratch);
	}

	private static void copy(InputStream in, Path target) throws IOException {
		Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
	}

	private static void build(Path home, Path javaHome) throws IOException {
		List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
		command.addAll(BUILD_OPTIONS);
		Path log = Layout.logs().resolve("keycloak-build.log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
		builder.environment().put("JAVA_HOME", javaHome.toString());
		Process process = builder.start();
		try {
			if (!process.waitFor(5, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException("kc.sh build did not finish within 5 minutes; see " + log);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while building Keycloak", ex);
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException("kc.sh build exited with " + process.exitValue() + "; see " + log);
		}
	}

}
