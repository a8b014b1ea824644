package dev.porter.e2e.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.porter.e2e.processes.Layout;
import dev.porter.testsupport.ChildProcesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@code ./run.sh} decides before its services run: which secrets it needs and
 * whether it rebuilds. Each test runs a copy of the script in a scratch directory with
 * stand-in jars and a stand-in {@code ./mvnw} that only says it was called, so nothing
 * real is built or started.
 */
@ResourceLock(RunScriptPreflightTests.DEV_PORTS_LOCK)
class RunScriptPreflightTests {

	/**
	 * The fixed dev ports run.sh starts the stack on: the classes that run it must not
	 * run at once (e2e runs two classes at a time), or one would find the ports taken.
	 */
	static final String DEV_PORTS_LOCK = "run.sh dev ports";

	private static final Pattern VERSION = Pattern.compile("(?m)^version=(\\S+)$");

	private static final List<String> SERVICES = List.of("dev-idp", "profile-service", "gateway");

	private static final List<Integer> DEV_PORTS = List.of(9000, 8081, 8080, 9001, 9081, 9080);

	/** Settings of the developer's shell that would change what the script decides. */
	private static final Pattern PROVIDER_SETTING = Pattern
		.compile("(OIDC|AUTH0|KEYCLOAK)_\\w+|PROFILE_DIRECTORY|API_AUDIENCE|REDIS_URL|SESSION_ENCRYPTION_KEYS");

	private static final Duration EXIT = Duration.ofSeconds(60);

	private static final Instant JARS_BUILT = Instant.now().minus(Duration.ofHours(1));

	private static final Instant SOURCES_EDITED = JARS_BUILT.minus(Duration.ofHours(1));

	@TempDir
	Path root;

	@BeforeEach
	void copyScriptWithBuiltJars() throws IOException {
		String script = Files.readString(Layout.root().resolve("run.sh"));
		Files.copy(Layout.root().resolve("run.sh"), this.root.resolve("run.sh"), StandardCopyOption.COPY_ATTRIBUTES);
		Files.writeString(this.root.resolve("mvnw"), "#!/usr/bin/env bash\necho \"stand-in mvnw $*\"\nexit 1\n");
		this.root.resolve("mvnw").toFile().setExecutable(true);
		Matcher version = VERSION.matcher(script);
		assertThat(version.find()).as("run.sh names the version of the jars it starts").isTrue();
		source("pom.xml");
		for (String module : List.of("common", "dev-idp", "profile-service", "gateway")) {
			source(module + "/pom.xml");
			source(module + "/src/main/java/Main.java");
		}
		List<Path> jars = SERVICES.stream()
			.map((service) -> this.root.resolve(service + "/target/" + service + "-" + version.group(1) + ".jar"))
			.toList();
		for (Path jar : jars) {
			Files.createDirectories(jar.getParent());
			Files.createFile(jar);
		}
		// find lists directories too, and creating a file touched its directory
		try (Stream<Path> tree = Files.walk(this.root)) {
			for (Path path : tree.toList()) {
				Files.setLastModifiedTime(path, FileTime.from(SOURCES_EDITED));
			}
		}
		for (Path jar : jars) {
			Files.setLastModifiedTime(jar, FileTime.from(JARS_BUILT));
		}
	}

	@Test
	void runScriptWhenIssuerIsNotDevIdpAndGatewaySecretMissingThenFailsNamingIt() {
		Result result = run(Map.of("OIDC_ISSUER_URI", "https://tenant.example.com/", "OIDC_CLIENT_ID", "abc",
				"AUTH0_MANAGEMENT_CLIENT_ID", "def", "AUTH0_MANAGEMENT_CLIENT_SECRET", "ghi"));

		assertThat(result.exitCode()).isNotZero();
		assertThat(result.stderr()).contains("OIDC_CLIENT_SECRET").doesNotContain("AUTH0_MANAGEMENT");
		assertThat(result.stdout()).doesNotContain("stand-in mvnw", "Starting");
	}

	@Test
	void runScriptWhenIssuerIsNotDevIdpWithKeycloakDirectoryThenNamesItsCredentials() {
		Result result = run(Map.of("OIDC_ISSUER_URI", "https://sso.example.com/realms/porter", "OIDC_CLIENT_ID", "abc",
				"OIDC_CLIENT_SECRET", "def", "PROFILE_DIRECTORY", "keycloak"));

		assertThat(result.exitCode()).isNotZero();
		assertThat(result.stderr()).contains("KEYCLOAK_CLIENT_ID", "KEYCLOAK_CLIENT_SECRET")
			.doesNotContain("AUTH0_MANAGEMENT", "OIDC_CLIENT");
		assertThat(result.stdout()).doesNotContain("stand-in mvnw", "Starting");
	}

	@Test
	void runScriptWhenSharedModuleChangedSinceJarsBuiltThenRebuilds() throws IOException {
		assumeDevPortsFree();
		Files.setLastModifiedTime(this.root.resolve("common/src/main/java/Main.java"), FileTime.from(Instant.now()));

		Result result = run(Map.of());

		assertThat(result.stdout()).contains("stand-in mvnw -B -q -DskipTests package");
		assertThat(result.stderr()).contains("the build failed");
	}

	@Test
	void runScriptWhenNothingChangedSinceJarsBuiltThenDoesNotRebuild() {
		assumeDevPortsFree();

		Result result = run(Map.of());

		// the stand-in jars are empty, so the services it starts exit at once
		assertThat(result.stdout()).doesNotContain("stand-in mvnw");
		assertThat(result.stderr()).contains("a service exited during start-up");
	}

	private void source(String path) throws IOException {
		Path file = this.root.resolve(path);
		Files.createDirectories(file.getParent());
		Files.writeString(file, "");
	}

	private Result run(Map<String, String> environment) {
		ProcessBuilder builder = new ProcessBuilder(this.root.resolve("run.sh").toString())
			.redirectOutput(this.root.resolve("stdout.txt").toFile())
			.redirectError(this.root.resolve("stderr.txt").toFile());
		builder.environment().keySet().removeIf((name) -> PROVIDER_SETTING.matcher(name).matches());
		builder.environment().putAll(environment);
		try {
			Process process = builder.start();
			if (!process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)) {
				process.descendants().forEach(ProcessHandle::destroy);
				ChildProcesses.stop(process, Duration.ofSeconds(15));
				throw new AssertionError(
						"run.sh did not exit within " + EXIT + "\n" + read("stdout.txt") + read("stderr.txt"));
			}
			return new Result(process.exitValue(), read("stdout.txt"), read("stderr.txt"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private String read(String name) throws IOException {
		return Files.readString(this.root.resolve(name));
	}

	/** Past its preflight the script refuses to start while a dev port is taken. */
	private static void assumeDevPortsFree() {
		for (int port : DEV_PORTS) {
			assumeTrue(!listening(port), "port " + port + " is taken (a ./run.sh or another program): skipping");
		}
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private record Result(int exitCode, String stdout, String stderr) {
	}

}
