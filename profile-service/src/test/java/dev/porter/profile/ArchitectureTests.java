package dev.porter.profile;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.porter.testsupport.PackageRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Packages depend one way, as {@code docs/architecture.md} draws them: no cycle, nobody
 * but the application needs {@code config} (wiring only), and each lower package uses
 * only the packages below it.
 */
class ArchitectureTests {

	private static final String ROOT = "dev.porter.profile";

	private static final JavaClasses MAIN = PackageRules.mainClasses(ROOT);

	@Test
	void packagesWhenImportedThenFreeOfCycles() {
		PackageRules.freeOfCycles(ROOT).check(MAIN);
	}

	@Test
	void configWhenImportedThenUsedOnlyByTheApplication() {
		PackageRules.usedOnlyByTheApplication(ROOT, "config").check(MAIN);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "redis|", "metadata|", "problem|metadata", "cache|redis", "upstream|problem redis",
					"oidc|upstream", "userinfo|upstream oidc", "directory|upstream metadata problem oidc",
					"me|directory userinfo metadata cache problem upstream oidc" })
	void packageWhenImportedThenDependsOnlyOnThePackagesBelowIt(String pkg, String below) {
		PackageRules.usesOnly(ROOT, pkg, below).check(MAIN);
	}

}
