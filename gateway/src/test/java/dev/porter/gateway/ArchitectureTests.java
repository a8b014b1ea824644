package dev.porter.gateway;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.tngtech.archunit.core.domain.JavaClasses;
import dev.porter.testsupport.PackageRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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

	/**
	 * A cache built anywhere else would tidy itself on the JDK's common pool, waking a
	 * thread on the relay's path ({@code Caches}).
	 */
	@Test
	void cachesWhenBuiltThenOnlyThroughCaches() {
		noClasses().that()
			.resideOutsideOfPackage(ROOT + ".cache")
			.should()
			.callMethod(Caffeine.class, "newBuilder")
			.because("the gateway's caches do their upkeep on the calling thread (Caches)")
			.check(MAIN);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "problem|", "crypto|", "cache|", "cookie|", "bff|", "redis|",
			"forwarded|problem", "oidc|bff problem", "session|oidc bff crypto redis cache cookie problem",
			"csrf|bff cookie problem", "token|oidc session redis problem", "routing|token redis cache problem",
			"logout|oidc session bff redis cache problem", "login|oidc session csrf routing bff crypto cache problem",
			"devices|logout oidc session routing problem" })
	void packageWhenImportedThenDependsOnlyOnThePackagesBelowIt(String pkg, String below) {
		PackageRules.usesOnly(ROOT, pkg, below).check(MAIN);
	}

}
