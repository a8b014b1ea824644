package dev.porter.e2e.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the reactor put the jars under test, and where this module writes logs and
 * screenshots.
 */
public final class Layout {

	private Layout() {
	}

	public static Path root() {
		String root = System.getProperty("porter.root");
		return (root != null) ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
	}

	/**
	 * The packaged Spring Boot jar of a module; run {@code ./mvnw verify} (or
	 * {@code package}) to build it.
	 */
	public static Path jar(String module) {
		String version = System.getProperty("porter.version", "0.1.0-SNAPSHOT");
		Path jar = root().resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(
					jar + " is missing: build the modules first (./mvnw verify runs them before e2e)");
		}
		return jar;
	}

	public static Path logs() {
		return directory("logs");
	}

	public static Path screenshots() {
		return directory("screenshots");
	}

	private static Path directory(String name) {
		Path dir = root().resolve("e2e").resolve("target").resolve(name);
		try {
			return Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
