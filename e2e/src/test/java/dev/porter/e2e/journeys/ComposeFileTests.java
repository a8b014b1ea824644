package dev.porter.e2e.journeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.porter.e2e.journeys.ComposeDrift.Module;
import dev.porter.e2e.stack.Layout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml against the applications it runs, without Docker: the real file has
 * no drift, and deliberately wrong copies of it are caught.
 */
class ComposeFileTests {

	private static final String COMPOSE = read(Layout.root().resolve("docker-compose.yml"));

	@Test
	void checkWhenRealComposeFileThenEveryServiceMatchesItsApplication() {
		assertThat(ComposeDrift.findings(COMPOSE, ComposeFileTests::module)).isEmpty();
	}

	@Test
	void checkWhenRealComposeFileThenItRunsTheThreeServicesAndRedis() {
		assertThat(COMPOSE).contains("dockerfile: dev-idp/Dockerfile", "dockerfile: profile-service/Dockerfile",
				"dockerfile: gateway/Dockerfile", "image: redis:7-alpine");
	}

	@Test
	void checkWhenVariableUnknownToApplicationThenReported() {
		String drifted = replaceOnce(COMPOSE, "      PUBLIC_BASE_URL:",
				"      OIDC_DISCOVERY_URL: http://dev-idp:9000/\n" + "      PUBLIC_BASE_URL:");

		assertThat(ComposeDrift.findings(drifted, ComposeFileTests::module))
			.containsExactly("gateway: sets OIDC_DISCOVERY_URL, which the application never reads");
	}

	@Test
	void checkWhenRequiredSecretMissingThenReported() {
		String drifted = replaceOnce(COMPOSE,
				"      AUTH0_MANAGEMENT_CLIENT_SECRET: ${AUTH0_MANAGEMENT_CLIENT_SECRET-porter-profile-dev-secret}\n",
				"");

		assertThat(ComposeDrift.findings(drifted, ComposeFileTests::module))
			.containsExactly("profile-service: requires AUTH0_MANAGEMENT_CLIENT_SECRET, which is not set");
	}

	@Test
	void checkWhenRequiredSecretDefaultsToBlankThenReported() {
		String drifted = replaceOnce(COMPOSE, "${OIDC_CLIENT_SECRET-porter-gateway-dev-secret}",
				"${OIDC_CLIENT_SECRET-}");

		assertThat(ComposeDrift.findings(drifted, ComposeFileTests::module))
			.containsExactly("gateway: requires OIDC_CLIENT_SECRET, which is not set");
	}

	@Test
	void checkWhenPublishedPortDiffersFromApplicationThenReported() {
		String drifted = replaceOnce(COMPOSE, "\"8081:8081\"", "\"8082:8082\"");

		assertThat(ComposeDrift.findings(drifted, ComposeFileTests::module))
			.containsExactly("profile-service: publishes 8082:8082, not 8081:8081");
	}

	@Test
	void checkWhenHealthCheckProbesAnotherPortThenReported() {
		String drifted = replaceOnce(COMPOSE, "/dev/tcp/127.0.0.1/8080", "/dev/tcp/127.0.0.1/8081");

		assertThat(ComposeDrift.findings(drifted, ComposeFileTests::module))
			.containsExactly("gateway: health check probes port(s) [8081], not 8080");
	}

	@Test
	void checkWhenDependencyNotAwaitedHealthyThenReported() {
		String drifted = replaceOnce(COMPOSE, "condition: service_healthy", "condition: service_started");

		assertThat(ComposeDrift.findings(drifted, ComposeFileTests::module))
			.containsExactly("profile-service: depends on dev-idp without condition service_healthy");
	}

	@Test
	void checkWhenDockerfileExposesAnotherPortThanApplicationThenReported() {
		Module gateway = module("gateway");
		Module drifted = new Module(gateway.applicationYml(), gateway.dockerfile().replace("EXPOSE 8080", "EXPOSE 80"));

		List<String> findings = ComposeDrift.findings(COMPOSE,
				(name) -> "gateway".equals(name) ? drifted : module(name));

		assertThat(findings).containsExactly("gateway: the application listens on 8080 but the Dockerfile exposes 80");
	}

	private static Module module(String name) {
		Path dir = Layout.root().resolve(name);
		return new Module(read(dir.resolve("src/main/resources/application.yml")), read(dir.resolve("Dockerfile")));
	}

	private static String replaceOnce(String text, String target, String replacement) {
		assertThat(text).as("the real file must contain what the test changes").contains(target);
		int at = text.indexOf(target);
		return text.substring(0, at) + replacement + text.substring(at + target.length());
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
