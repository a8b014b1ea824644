package dev.porter.e2e.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The database a Keycloak of the test run starts from: schema, {@code master} realm with
 * the test's administrator, and the realm imported from the repository's realm file.
 * Keycloak spends most of its first start creating these; they are made once (again
 * whenever the realm file changes) by a Keycloak that is started, given the realm and
 * stopped, and every later server starts on a private copy, so runs never see each
 * other's sessions, events or metadata.
 */
final class KeycloakSeed {

	private KeycloakSeed() {
	}

	/** A fresh copy of the seed database, made first when missing or stale. */
	static Path copy(Path home, Path java, Path realmFile) {
		Path cache = home.getParent();
		Path seed = cache.resolve("seed-db");
		Path made = cache.resolve(".porter-seeded");
		try {
			String key = digest(realmFile) + " " + String.join(" ", KeycloakDistribution.BUILD_OPTIONS);
			try (FileChannel channel = FileChannel.open(cache.resolve(".seed-lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
				if (!Files.isRegularFile(made) || !Files.readString(made).equals(key)) {
					Files.deleteIfExists(made);
					deleteTree(seed);
					Files.createDirectories(seed);
					try (Keycloak keycloak = Keycloak.launch(home, java, seed, false)) {
						keycloak.admin().importRealm(realmFile);
					}
					Files.writeString(made, key);
				}
				Path runs = Files.createDirectories(cache.resolve("runs"));
				Path copy = Files.createTempDirectory(runs, "db-");
				try (Stream<Path> files = Files.list(seed)) {
					for (Path file : files.toList()) {
						Files.copy(file, copy.resolve(file.getFileName()));
					}
				}
				return copy;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot prepare Keycloak's database under " + cache, ex);
		}
	}

	static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

	private static String digest(Path file) throws IOException {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
