package dev.porter.e2e.packaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The values docker-compose.yml gives each service, against application.yml and the
 * README's configuration table. A {@code .env} file only fills the compose file's
 * {@code ${…}}: a variable reaches a container only if the compose file passes it, and
 * then whatever compose passes (its {@code ${VAR-default}} default too) is what the
 * application reads, since Spring takes a variable set to nothing as the value "".
 */
final class ComposeVariables {

	/**
	 * What switching identity providers, or putting a proxy or another host name in
	 * front, changes: the README documents these per service, and {@code .env} must be
	 * able to set each one.
	 */
	private static final Pattern PROVIDER = Pattern.compile(
			"(OIDC|AUTH0|KEYCLOAK|LOGOUT|SESSION_COOKIE)_\\w+|PROFILE_DIRECTORY|PROFILE_\\w+_ALLOW_LIST|API_AUDIENCE"
					+ "|PUBLIC_BASE_URL|TRUSTED_PROXIES");

	/** {@code ${VAR-default}} or {@code ${VAR:-default}} as compose interpolates it. */
	private static final Pattern COMPOSE_DEFAULT = Pattern.compile("^\\$\\{[A-Z][A-Z0-9_]*:?-(.*)}$");

	private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

	private ComposeVariables() {
	}

	/**
	 * One service that compose builds from a module.
	 *
	 * @param name the compose service
	 * @param environment its {@code environment:} as written, before interpolation
	 * @param applicationYml the module's application.yml
	 */
	record Service(String name, Map<String, String> environment, String applicationYml) {
	}

	static List<String> findings(List<Service> services, String readme) {
		Map<String, Set<String>> documented = documented(readme);
		List<String> findings = new ArrayList<>();
		for (Service service : services) {
			findings.addAll(defaultFindings(service));
			findings.addAll(documentedFindings(service, documented));
		}
		return findings;
	}

	/**
	 * What the container gets when {@code .env} does not set the variable: the compose
	 * default, or the value written there.
	 */
	static String effectiveValue(@Nullable String value) {
		if (value == null) {
			return "";
		}
		Matcher interpolated = COMPOSE_DEFAULT.matcher(value);
		return interpolated.matches() ? interpolated.group(1) : value;
	}

	/**
	 * A compose default replaces application.yml's, so where application.yml has one it
	 * must be the same. A blank application.yml default means "required" or "derived"
	 * (from discovery, from the issuer), which compose may fill for dev-idp.
	 */
	private static List<String> defaultFindings(Service service) {
		List<String> findings = new ArrayList<>();
		service.environment().forEach((variable, value) -> {
			if (!COMPOSE_DEFAULT.matcher(value).matches()) {
				return;
			}
			String composeDefault = effectiveValue(value);
			String applicationDefault = applicationDefault(service.applicationYml(), variable);
			if (applicationDefault != null && !applicationDefault.isBlank()
					&& !applicationDefault.equals(composeDefault)) {
				findings.add(service.name() + ": " + variable + " defaults to '" + composeDefault
						+ "' in docker-compose.yml, but to '" + applicationDefault + "' in application.yml");
			}
		});
		return findings;
	}

	private static List<String> documentedFindings(Service service, Map<String, Set<String>> documented) {
		Set<String> variables = new LinkedHashSet<>(documented.getOrDefault("all", Set.of()));
		variables.addAll(documented.getOrDefault(service.name(), Set.of()));
		return variables.stream()
			.filter((variable) -> PROVIDER.matcher(variable).matches())
			.filter((variable) -> !service.environment().containsKey(variable))
			.map((variable) -> service.name() + ": does not pass " + variable
					+ ", which README.md documents for it (set in .env, it would never reach the container)")
			.toList();
	}

	/**
	 * The README's configuration table: service (or {@code all}) → the variables its rows
	 * name for it.
	 */
	private static Map<String, Set<String>> documented(String readme) {
		Map<String, Set<String>> documented = new LinkedHashMap<>();
		int start = readme.indexOf("\n## Configuration\n");
		int end = readme.indexOf("\n## ", start + 1);
		String table = (start < 0) ? "" : readme.substring(start, (end < 0) ? readme.length() : end);
		for (String line : table.split("\n")) {
			String[] columns = line.split("\\|");
			if (!line.startsWith("| `") || columns.length < 3) {
				continue;
			}
			Set<String> names = new LinkedHashSet<>();
			Matcher name = NAME.matcher(columns[1]);
			while (name.find()) {
				names.add(name.group(1));
			}
			for (String service : columns[2].split(",")) {
				documented.computeIfAbsent(service.trim(), (key) -> new LinkedHashSet<>()).addAll(names);
			}
		}
		return documented;
	}

	/**
	 * The default of the first {@code ${variable:default}} in application.yml; null when
	 * it has none or a default built from another placeholder.
	 */
	static @Nullable String applicationDefault(String applicationYml, String variable) {
		String opening = "${" + variable + ":";
		int at = applicationYml.indexOf(opening);
		if (at < 0) {
			return null;
		}
		int from = at + opening.length();
		int depth = 1;
		for (int i = from; i < applicationYml.length(); i++) {
			char c = applicationYml.charAt(i);
			if (c == '{') {
				depth++;
			}
			else if (c == '}' && --depth == 0) {
				String value = applicationYml.substring(from, i);
				return value.contains("${") ? null : value;
			}
		}
		return null;
	}

}
