package dev.porter.e2e.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.porter.e2e.processes.Layout;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code .env.example}, the file that switches {@code docker compose up} from dev-idp to
 * a real tenant, against docker-compose.yml: every value compose defaults to dev-idp must
 * be set there (to the tenant's, or blank for discovery), or a real-tenant set-up keeps
 * calling dev-idp for that one thing; and everything it sets must reach a container.
 */
class EnvExampleTests {

	/** dev-idp as the containers reach it, and as the browser does. */
	private static final Pattern NAMES_DEV_IDP = Pattern.compile("//(dev-idp|localhost):9000\\b");

	private static final Pattern COMPOSE_DEFAULT = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*):?-(.*)}$");

	private static final Pattern SET = Pattern.compile("(?m)^([A-Z][A-Z0-9_]*)=");

	private static final String COMPOSE = read("docker-compose.yml");

	private static final String ENV_EXAMPLE = read(".env.example");

	@Test
	void checkWhenRealFilesThenNothingReported() {
		assertThat(findings(COMPOSE, ENV_EXAMPLE)).isEmpty();
	}

	@Test
	void checkWhenADevIdpDefaultIsNotSetThenReported() {
		String drifted = ENV_EXAMPLE.replace("OIDC_JWKS_URI=\n", "");

		assertThat(findings(COMPOSE, drifted)).containsExactlyInAnyOrder(
				"gateway: OIDC_JWKS_URI defaults to dev-idp and .env.example does not set it",
				"profile-service: OIDC_JWKS_URI defaults to dev-idp and .env.example does not set it");
	}

	@Test
	void checkWhenAVariableIsSetThatComposeDoesNotPassThenReported() {
		String drifted = ENV_EXAMPLE + "OIDC_TOKEN_URL=\n";

		assertThat(findings(COMPOSE, drifted))
			.containsExactly(".env.example sets OIDC_TOKEN_URL, which docker-compose.yml passes to no service");
	}

	@SuppressWarnings("unchecked")
	private static List<String> findings(String composeYaml, String envExample) {
		Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(composeYaml);
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		Set<String> set = new LinkedHashSet<>();
		Matcher line = SET.matcher(envExample);
		while (line.find()) {
			set.add(line.group(1));
		}
		List<String> findings = new ArrayList<>();
		Set<String> passed = new LinkedHashSet<>();
		services.forEach((name, service) -> {
			if (!(service.get("environment") instanceof Map<?, ?> environment)) {
				return;
			}
			environment.forEach((variable, value) -> {
				passed.add(String.valueOf(variable));
				Matcher interpolated = COMPOSE_DEFAULT.matcher(String.valueOf(value));
				// dev-idp's settings name itself: only the services
				// it stands in for count
				if (!"dev-idp".equals(name) && interpolated.matches()
						&& NAMES_DEV_IDP.matcher(interpolated.group(2)).find()
						&& !set.contains(interpolated.group(1))) {
					findings.add(name + ": " + interpolated.group(1)
							+ " defaults to dev-idp and .env.example does not set it");
				}
			});
		});
		set.stream()
			.filter((variable) -> !passed.contains(variable))
			.forEach((variable) -> findings
				.add(".env.example sets " + variable + ", which docker-compose.yml passes to no service"));
		return findings;
	}

	private static String read(String file) {
		try {
			return Files.readString(Layout.root().resolve(file));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
