package dev.porter.e2e.processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java that runs Keycloak: it needs 21 or newer, while the build (and every Porter
 * service) runs on 17. {@code KEYCLOAK_JAVA_HOME} names it ({@code .ci/run} sets it, and
 * installs a JRE when the machine has none); otherwise the newest 21+ under
 * {@code /usr/lib/jvm}.
 */
public final class KeycloakJava {

	static final String ENVIRONMENT = "KEYCLOAK_JAVA_HOME";

	private static final int MINIMUM = 21;

	private static final Path JVMS = Path.of("/usr/lib/jvm");

	private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

	/**
	 * Debian's homes, e.g. {@code java-21-openjdk-amd64}, for a JRE without a release
	 * file.
	 */
	private static final Pattern DEBIAN_HOME = Pattern.compile("^java-(\\d+)-");

	private KeycloakJava() {
	}

	/**
	 * Skips the calling test, saying why, when this machine has no Java 21+ and nobody
	 * named one: {@code ./mvnw verify} needs only JDK 17 (as the README promises), and
	 * {@code .ci/run} always provides one.
	 */
	public static void assumeInstalled() {
		assumeTrue(isInstalled(),
				"no Java " + MINIMUM + "+ for Keycloak (set " + ENVIRONMENT + " or run .ci/run): skipping");
	}

	/** Whether someone named a Java for Keycloak or this machine has a 21+. */
	static boolean isInstalled() {
		return System.getenv(ENVIRONMENT) != null || scan().isPresent();
	}

	/** The Java home to run Keycloak with. */
	static Path home() {
		String named = System.getenv(ENVIRONMENT);
		if (named != null && !named.isBlank()) {
			Path home = Path.of(named);
			int version = version(home).orElseThrow(
					() -> new IllegalStateException(ENVIRONMENT + "=" + named + " is not a Java home (no bin/java)"));
			if (version < MINIMUM) {
				throw new IllegalStateException(
						ENVIRONMENT + "=" + named + " is Java " + version + "; Keycloak needs " + MINIMUM + "+");
			}
			return home;
		}
		return scan().orElseThrow(() -> new IllegalStateException(
				"no Java " + MINIMUM + "+ under " + JVMS + " for Keycloak: set " + ENVIRONMENT));
	}

	private static Optional<Path> scan() {
		if (!Files.isDirectory(JVMS)) {
			return Optional.empty();
		}
		try (Stream<Path> homes = Files.list(JVMS)) {
			return homes.filter((home) -> version(home).orElse(0) >= MINIMUM)
				.max(Comparator.comparing((Path home) -> version(home).orElse(0)).thenComparing(Path::toString));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The feature version from the home's {@code release} file (or Debian's directory
	 * name), if it has a java.
	 */
	private static Optional<Integer> version(Path home) {
		if (!Files.isExecutable(home.resolve("bin/java"))) {
			return Optional.empty();
		}
		Matcher matcher;
		try {
			matcher = VERSION.matcher(Files.readString(home.resolve("release")));
		}
		catch (IOException ex) {
			matcher = DEBIAN_HOME.matcher(String.valueOf(home.getFileName()));
		}
		return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
	}

}
