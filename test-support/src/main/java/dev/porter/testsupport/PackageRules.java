package dev.porter.testsupport;

import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The two rules every module's {@code ArchitectureTests} applies to its own table of
 * packages, as {@code docs/architecture.md} draws them.
 */
public final class PackageRules {

	private PackageRules() {
	}

	/**
	 * A module's production classes, without its tests.
	 * @param root the module's root package
	 * @return the classes the rules are checked against
	 */
	public static JavaClasses mainClasses(String root) {
		return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(root);
	}

	/**
	 * Only the application class in {@code root} itself uses {@code root.pkg}: the
	 * package that assembles the others (wiring) is at the top, and nothing below reaches
	 * up to it.
	 * @param root the module's root package
	 * @param pkg the top package, relative to {@code root}, e.g. {@code config}
	 * @return the rule, to be checked against the module's imported classes
	 */
	public static ArchRule usedOnlyByTheApplication(String root, String pkg) {
		return noClasses().that()
			.resideOutsideOfPackages(root + "." + pkg + "..", root)
			.should()
			.dependOnClassesThat()
			.resideInAPackage(root + "." + pkg + "..");
	}

	/**
	 * No cycle between the packages directly below {@code root}.
	 * @param root the module's root package, e.g. {@code dev.porter.gateway}
	 * @return the rule, to be checked against the module's imported classes
	 */
	public static ArchRule freeOfCycles(String root) {
		return slices().matching(root + ".(*)..").should().beFreeOfCycles();
	}

	/**
	 * Classes in {@code root.pkg} use only their own package, the packages named in
	 * {@code allowed}, and anything outside {@code root}.
	 * @param root the module's root package
	 * @param pkg the package the rule is about, relative to {@code root}
	 * @param allowed the packages it may use, relative to {@code root}, separated by
	 * spaces; {@code null} or blank when it may use none
	 * @return the rule, to be checked against the module's imported classes
	 */
	public static ArchRule usesOnly(String root, String pkg, String allowed) {
		List<String> packages = new ArrayList<>();
		packages.add(root + "." + pkg + "..");
		if (allowed != null && !allowed.isBlank()) {
			for (String name : allowed.trim().split("\\s+")) {
				packages.add(root + "." + name + "..");
			}
		}
		return classes().that()
			.resideInAPackage(root + "." + pkg + "..")
			.should()
			.onlyDependOnClassesThat(
					resideOutsideOfPackage(root + "..").or(resideInAnyPackage(packages.toArray(String[]::new))));
	}

}
