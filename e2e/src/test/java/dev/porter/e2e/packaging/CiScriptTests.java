package dev.porter.e2e.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.porter.e2e.processes.Layout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code .ci/run} against the programs the tests start: they run Debian's packages by
 * their paths ({@code /usr/bin/redis-server}, {@code /usr/bin/chromium}, …), so the
 * script must look for those very paths before it decides nothing is missing. A program
 * of the same name elsewhere on {@code PATH} (built from source into
 * {@code /usr/local/bin}) satisfied {@code command -v}, the package was not installed,
 * and every test that starts Redis failed.
 */
class CiScriptTests {

	/** A program a test starts by its absolute path, as a Java string literal. */
	private static final Pattern PROGRAM = Pattern.compile("\"(/usr/bin/[a-z][a-z0-9-]*)\"");

	private static final List<String> TEST_SOURCES = List.of("test-support/src/main/java", "e2e/src/test/java",
			"gateway/src/test/java", "profile-service/src/test/java", "dev-idp/src/test/java");

	@Test
	void ciScriptWhenRealThenChecksEveryProgramTheTestsStartByThatPath() {
		String script = read(Layout.root().resolve(".ci/run"));
		Set<String> started = programsStartedByTests();

		assertThat(started).as("programs the tests start").contains("/usr/bin/redis-server", "/usr/bin/chromium");
		assertThat(started).allSatisfy((program) -> assertThat(script).as(".ci/run").contains("-x " + program));
	}

	private static Set<String> programsStartedByTests() {
		Set<String> programs = new TreeSet<>();
		for (String sources : TEST_SOURCES) {
			try (Stream<Path> files = Files.walk(Layout.root().resolve(sources))) {
				files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> {
					Matcher program = PROGRAM.matcher(read(file));
					while (program.find()) {
						programs.add(program.group(1));
					}
				});
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return programs;
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
