package dev.porter.e2e.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.porter.e2e.processes.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service's Dockerfile against the Maven build, without Docker: the image builds
 * from the repository root with {@code -pl <service> -am}, so Maven must see every
 * module's {@code pom.xml} (the root pom lists them all) and the sources of every Porter
 * module the service is built from. A module added to the build, or a new dependency on
 * one (as {@code common} was), otherwise breaks {@code docker compose build} while
 * {@code ./mvnw
 * verify} stays green. And the gateway's collector against {@code bench/relay.sh}, which
 * must measure the gateway as the image runs it, and its class-data-sharing archive
 * against the start that writes it.
 */
class DockerfileTests {

	private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

	/**
	 * The collector the image's {@code java} command names, e.g.
	 * {@code -XX:+UseParallelGC}.
	 */
	private static final Pattern ENTRYPOINT_COLLECTOR = Pattern
		.compile("ENTRYPOINT \\[\"java\", .*\"(-XX:\\+Use\\w+GC)\"");

	/** The JVM options {@code bench/relay.sh} starts both gateways with by default. */
	private static final Pattern BENCHMARK_GATEWAY_OPTIONS = Pattern
		.compile("JAVA_OPTS_GATEWAY=\\$\\{JAVA_OPTS_GATEWAY:-([^}]*)}");

	/** Where the image's {@code java} command reads its class-data-sharing archive. */
	private static final Pattern ENTRYPOINT_ARCHIVE = Pattern
		.compile("ENTRYPOINT \\[\"java\", .*\"-XX:SharedArchiveFile=([^\"]+)\"");

	/** The jar the image's {@code java} command starts. */
	private static final Pattern ENTRYPOINT_JAR = Pattern.compile("ENTRYPOINT \\[\"java\", .*\"-jar\", \"([^\"]+)\"");

	/**
	 * The training start: the archive it writes, its collector and the jar it starts, up
	 * to the end of its (possibly continued) line.
	 */
	private static final Pattern TRAINING_START = Pattern
		.compile("java ((?:[^\\n]|\\\\\\n)*?)-XX:ArchiveClassesAtExit=(\\S+)((?:[^\\n]|\\\\\\n)*?)-jar (\\S+)");

	private static final Pattern PORTER_DEPENDENCY = Pattern
		.compile("<dependency>\\s*<groupId>dev\\.porter</groupId>\\s*<artifactId>([^<]+)</artifactId>");

	@ParameterizedTest
	@ValueSource(strings = { "dev-idp", "profile-service", "gateway" })
	void dockerfileWhenRealThenMavenSeesEveryModuleAndTheSourcesItBuilds(String service) {
		assertThat(findings(service, read(Layout.root().resolve(service).resolve("Dockerfile")))).isEmpty();
	}

	/**
	 * The services write none of their image's files: owned by root, code that runs as
	 * the service's user (a hole in a dependency) cannot rewrite the jar a restart would
	 * then run.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "dev-idp", "profile-service", "gateway" })
	void dockerfileWhenRealThenTheRunningUserOwnsNoFileOfTheImage(String service) {
		String dockerfile = read(Layout.root().resolve(service).resolve("Dockerfile"));

		assertThat(dockerfile).doesNotContain("--chown").doesNotContainPattern("(?m)^RUN .*\\bchown\\b");
	}

	@Test
	void dockerfileWhenSharedModuleSourcesNotCopiedThenReported() {
		String drifted = read(Layout.root().resolve("gateway/Dockerfile")).replace("COPY common/src common/src\n", "");

		assertThat(findings("gateway", drifted))
			.containsExactly("gateway/Dockerfile: builds with common but does not COPY common/src");
	}

	@Test
	void dockerfileWhenAModulePomNotCopiedThenReported() {
		String drifted = read(Layout.root().resolve("dev-idp/Dockerfile")).replace("COPY common/pom.xml common/\n", "");

		assertThat(findings("dev-idp", drifted))
			.containsExactly("dev-idp/Dockerfile: does not COPY common/pom.xml, which the root pom lists");
	}

	@Test
	void gatewayCollectorWhenShippedThenTheRelayBenchmarkMeasuresTheSame() {
		Set<String> shipped = matches(ENTRYPOINT_COLLECTOR, read(Layout.root().resolve("gateway/Dockerfile")));
		Set<String> benchmarked = matches(BENCHMARK_GATEWAY_OPTIONS, read(Layout.root().resolve("bench/relay.sh")));

		assertThat(shipped).as("collector of gateway/Dockerfile's ENTRYPOINT").hasSize(1);
		assertThat(benchmarked).as("bench/relay.sh's default JAVA_OPTS_GATEWAY").isEqualTo(shipped);
	}

	@Test
	void gatewayImageWhenRealThenStartsFromTheArchiveItsTrainingStartWrote() {
		assertThat(archiveFindings(read(Layout.root().resolve("gateway/Dockerfile")))).isEmpty();
	}

	@Test
	void gatewayImageWhenArchiveOrJarOrCollectorDriftsThenReported() {
		String real = read(Layout.root().resolve("gateway/Dockerfile"));

		assertThat(
				archiveFindings(real.replace("-XX:SharedArchiveFile=/app/app.jsa", "-XX:SharedArchiveFile=/app/x.jsa")))
			.containsExactly(
					"gateway/Dockerfile: starts from archive /app/x.jsa, the training start writes /app/app.jsa");
		assertThat(archiveFindings(real.replace("\"-jar\", \"/app/app.jar\"", "\"-jar\", \"/app/other.jar\"")))
			.containsExactly("gateway/Dockerfile: starts /app/other.jar, the training start ran /app/app.jar");
		assertThat(archiveFindings(real.replaceFirst("java -XX:\\+UseParallelGC -XX:ArchiveClassesAtExit",
				"java -XX:+UseSerialGC -XX:ArchiveClassesAtExit")))
			.containsExactly("gateway/Dockerfile: the training start runs with [-XX:+UseSerialGC], the image with "
					+ "[-XX:+UseParallelGC]");
	}

	/**
	 * What stops the gateway's image from starting from its archive: the JVM silently
	 * starts without one whose path, class path or collector differs from the start that
	 * wrote it.
	 */
	static List<String> archiveFindings(String dockerfile) {
		Matcher training = TRAINING_START.matcher(dockerfile);
		Set<String> archive = matches(ENTRYPOINT_ARCHIVE, dockerfile);
		if (!training.find() || archive.size() != 1) {
			return List.of("gateway/Dockerfile: no training start (-XX:ArchiveClassesAtExit) and archive "
					+ "(-XX:SharedArchiveFile) in ENTRYPOINT");
		}
		List<String> findings = new ArrayList<>();
		String written = training.group(2);
		if (!archive.contains(written)) {
			findings.add("gateway/Dockerfile: starts from archive " + archive.iterator().next()
					+ ", the training start writes " + written);
		}
		Set<String> jar = matches(ENTRYPOINT_JAR, dockerfile);
		if (!jar.contains(training.group(4))) {
			findings.add("gateway/Dockerfile: starts " + String.join(", ", jar) + ", the training start ran "
					+ training.group(4));
		}
		Set<String> trainedWith = collectors(training.group(1) + " " + training.group(3));
		Set<String> runsWith = matches(ENTRYPOINT_COLLECTOR, dockerfile);
		if (!trainedWith.equals(runsWith)) {
			findings.add(
					"gateway/Dockerfile: the training start runs with " + trainedWith + ", the image with " + runsWith);
		}
		return findings;
	}

	private static Set<String> collectors(String options) {
		return matches(Pattern.compile("(-XX:\\+Use\\w+GC)"), options);
	}

	static List<String> findings(String service, String dockerfile) {
		List<String> findings = new ArrayList<>();
		for (String module : matches(MODULE, read(Layout.root().resolve("pom.xml")))) {
			if (!dockerfile.contains("COPY " + module + "/pom.xml " + module + "/")) {
				findings.add(service + "/Dockerfile: does not COPY " + module + "/pom.xml, which the root pom lists");
			}
		}
		Set<String> built = new LinkedHashSet<>(List.of(service));
		built.addAll(matches(PORTER_DEPENDENCY, read(Layout.root().resolve(service).resolve("pom.xml"))));
		for (String module : built) {
			if (!dockerfile.contains("COPY " + module + "/src " + module + "/src")) {
				findings.add(service + "/Dockerfile: builds with " + module + " but does not COPY " + module + "/src");
			}
		}
		return findings;
	}

	private static Set<String> matches(Pattern pattern, String text) {
		Set<String> found = new LinkedHashSet<>();
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			found.add(matcher.group(1).trim());
		}
		return found;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
