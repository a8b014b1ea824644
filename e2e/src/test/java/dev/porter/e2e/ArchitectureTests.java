package dev.porter.e2e;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.porter.testsupport.PackageRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * e2e's packages depend one way, as {@code docs/architecture.md} lists them: no cycle,
 * and each package uses only the packages its row names. Everything here is test code, so
 * the whole test output is imported.
 */
class ArchitectureTests {

	private static final String ROOT = "dev.porter.e2e";

	private static final JavaClasses E2E = new ClassFileImporter().importPackages(ROOT);

	@Test
	void packagesWhenImportedThenFreeOfCycles() {
		PackageRules.freeOfCycles(ROOT).check(E2E);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "http|", "pages|", "processes|http", "agents|processes http",
			"packaging|agents processes http", "journeys|pages agents processes http" })
	void packageWhenImportedThenDependsOnlyOnItsRow(String pkg, String allowedBelow) {
		PackageRules.usesOnly(ROOT, pkg, allowedBelow).check(E2E);
	}

}
