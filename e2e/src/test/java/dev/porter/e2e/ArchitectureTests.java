package dev.porter.e2e;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

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
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(E2E);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "http|", "pages|", "processes|http", "agents|processes http",
			"packaging|agents processes http", "journeys|pages agents processes http" })
	void packageWhenImportedThenDependsOnlyOnItsRow(String pkg, String allowedBelow) {
		String[] allowed = ((allowedBelow != null) ? pkg + " " + allowedBelow : pkg).split(" ");
		for (int i = 0; i < allowed.length; i++) {
			allowed[i] = ROOT + "." + allowed[i] + "..";
		}
		classes().that()
			.resideInAPackage(ROOT + "." + pkg + "..")
			.should()
			.onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..").or(resideInAnyPackage(allowed)))
			.check(E2E);
	}

}
