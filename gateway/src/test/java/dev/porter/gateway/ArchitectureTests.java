package dev.porter.gateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.porter.testsupport.PackageRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Packages depend one way, as {@code docs/architecture.md} draws them: no cycle, nobody
 * but the application needs {@code config} (the security chain's assembly and the
 * gateway-wide filters), and each feature uses only the packages below it.
 */
class ArchitectureTests {

	private static final String ROOT = "dev.porter.gateway";

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
			value = { "problem|", "crypto|", "bff|", "redis|", "forwarded|", "oidc|bff problem",
					"session|crypto redis problem", "csrf|bff problem", "token|oidc session redis problem",
					"routing|token redis problem", "logout|oidc session bff redis problem",
					"login|oidc session csrf routing bff crypto problem", "devices|logout oidc session problem" })
	void packageWhenImportedThenDependsOnlyOnThePackagesBelowIt(String pkg, String below) {
		PackageRules.usesOnly(ROOT, pkg, below).check(MAIN);
	}

}
