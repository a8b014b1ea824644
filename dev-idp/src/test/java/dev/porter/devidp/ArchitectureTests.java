package dev.porter.devidp;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.porter.testsupport.PackageRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * dev-idp's packages depend one way, as {@code docs/architecture.md} lists them: no
 * cycle, and each package uses only the packages its row names.
 */
class ArchitectureTests {

	private static final String ROOT = "dev.porter.devidp";

	private static final JavaClasses MAIN = PackageRules.mainClasses(ROOT);

	@Test
	void packagesWhenImportedThenFreeOfCycles() {
		PackageRules.freeOfCycles(ROOT).check(MAIN);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "seed|", "faults|", "issued|", "users|seed", "userinfo|users", "config|seed users",
					"login|seed users", "backchannel|config seed", "management|config users",
					"oauth|backchannel config issued seed userinfo users" })
	void packageWhenImportedThenDependsOnlyOnItsRow(String pkg, String allowedBelow) {
		PackageRules.usesOnly(ROOT, pkg, allowedBelow).check(MAIN);
	}

}
