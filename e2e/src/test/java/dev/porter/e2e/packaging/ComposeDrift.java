package dev.porter.e2e.packaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Compares docker-compose.yml with what each application reads, so that a renamed
 * variable, a moved port or a forgotten secret fails a test instead of a
 * {@code docker compose up}, and that nothing but the gateway's public port is published
 * beyond the host's loopback; and, through {@link ComposeVariables}, the values compose
 * passes against application.yml and the README. Each finding is one line naming the
 * service and what drifted.
 */
final class ComposeDrift {

	/**
	 * {@code ${VAR} / ${VAR:default}} in application.yml: the variables Spring resolves.
	 */
	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:?)(\\}?)");

	/**
	 * Among variables with a blank default, credentials are the required ones: a blank
	 * URI means "from discovery", a blank secret stops the service at start-up (the
	 * session keys do so with {@code REDIS_URL}, which the compose file sets).
	 */
	private static final Pattern CREDENTIAL = Pattern.compile(".*_(CLIENT_ID|CLIENT_SECRET)$|SESSION_ENCRYPTION_KEYS");

	/**
	 * Credentials read only when {@code PROFILE_DIRECTORY} selects their directory
	 * (default {@code auth0}): variable prefix → that directory.
	 */
	private static final Map<String, String> DIRECTORY_CREDENTIALS = Map.of("AUTH0_MANAGEMENT_", "auth0", "KEYCLOAK_",
			"keycloak");

	private static final Pattern PORT_DEFAULT = Pattern.compile("\\$\\{PORT:(\\d+)}");

	/**
	 * An application that listens on loopback by default ({@code server.address}): in a
	 * container, that is the container's own loopback.
	 */
	private static final Pattern SERVER_ADDRESS_DEFAULT = Pattern.compile("\\$\\{SERVER_ADDRESS:([^}]+)}");

	private static final String EVERY_INTERFACE = "0.0.0.0";

	private static final Pattern MANAGEMENT_PORT_DEFAULT = Pattern.compile("\\$\\{MANAGEMENT_PORT:(\\d+)}");

	/**
	 * {@code [address:]host-port:container-port}, as a short-syntax {@code ports:} entry.
	 */
	private static final Pattern PORT_MAPPING = Pattern.compile("(?:(.+):)?(\\d+):(\\d+)");

	private static final Pattern HTTP_GET = Pattern.compile("GET (\\S+) HTTP");

	/**
	 * The only service meant to be reached from other machines: the browser-facing
	 * gateway. The others are published on the host's loopback only.
	 */
	private static final Set<String> PUBLIC_SERVICES = Set.of("gateway");

	/** What an orchestrator may probe on a service's public port (status only). */
	private static final Set<String> PUBLIC_PROBES = Set.of("/livez", "/readyz");

	private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)");

	private static final Pattern DEV_TCP = Pattern.compile("/dev/tcp/[^/\\s]+/(\\d+)");

	private ComposeDrift() {
	}

	/** What the check reads of one module. */
	record Module(String applicationYml, String dockerfile) {
	}

	@SuppressWarnings("unchecked")
	static List<String> findings(String composeYaml, String readme, Function<String, Module> modules) {
		Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(composeYaml);
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		List<String> findings = new ArrayList<>();
		List<ComposeVariables.Service> built = new ArrayList<>();
		services.forEach((name, service) -> {
			if (service.get("healthcheck") == null) {
				findings.add(name + ": no healthcheck");
			}
			dependencies(service).forEach((dependency, condition) -> {
				if (!"service_healthy".equals(condition)) {
					findings.add(name + ": depends on " + dependency + " without condition service_healthy");
				}
			});
			if (String.valueOf(service.get("image")).startsWith("redis:")) {
				findings.addAll(redisFindings(name, service));
			}
			if (service.get("build") instanceof Map<?, ?> build) {
				String dockerfile = String.valueOf(build.get("dockerfile"));
				if (!".".equals(build.get("context"))) {
					findings.add(name + ": build context is not the repository root '.'");
				}
				Module module = modules.apply(dockerfile.substring(0, dockerfile.indexOf('/')));
				findings.addAll(moduleFindings(name, service, module));
				built.add(new ComposeVariables.Service(name, first(PORT_DEFAULT, module.applicationYml()),
						environment(service), module.applicationYml()));
			}
		});
		findings.addAll(ComposeVariables.findings(built, readme));
		return findings;
	}

	/**
	 * Redis must come back from a restart either empty or exactly as it was, never from
	 * an older snapshot: the image's default (RDB snapshots every few minutes, kept in a
	 * volume) would bring back sessions ended since, and refresh tokens the IdP has
	 * rotated since (whose next use trips reuse detection and signs the user out). An
	 * append-only log written every second, and no snapshots, lose at most the last
	 * second on a crash and nothing on a stop.
	 */
	private static List<String> redisFindings(String name, Map<String, Object> service) {
		List<String> findings = new ArrayList<>();
		List<String> command = (service.get("command") instanceof List<?> words)
				? words.stream().map(String::valueOf).toList() : List.of();
		if (!hasOption(command, "--save", "")) {
			findings.add(name + ": keeps RDB snapshots (no --save \"\"), so a restart brings back an older state");
		}
		if (!hasOption(command, "--appendonly", "yes")) {
			findings.add(name + ": keeps no append-only log (no --appendonly yes), so a restart loses every session");
		}
		return findings;
	}

	private static boolean hasOption(List<String> command, String option, String value) {
		int at = command.indexOf(option);
		return at >= 0 && at + 1 < command.size() && command.get(at + 1).equals(value);
	}

	private static List<String> moduleFindings(String name, Map<String, Object> service, Module module) {
		List<String> findings = new ArrayList<>();
		Map<String, String> environment = environment(service);
		Set<String> read = new LinkedHashSet<>();
		Set<String> required = new LinkedHashSet<>();
		Matcher placeholder = PLACEHOLDER.matcher(module.applicationYml());
		while (placeholder.find()) {
			String variable = placeholder.group(1);
			read.add(variable);
			boolean noDefault = placeholder.group(2).isEmpty() || !placeholder.group(3).isEmpty();
			if (noDefault && (placeholder.group(2).isEmpty() || CREDENTIAL.matcher(variable).matches())) {
				required.add(variable);
			}
		}
		environment.keySet()
			.stream()
			.filter((variable) -> !read.contains(variable))
			.forEach((variable) -> findings.add(name + ": sets " + variable + ", which the application never reads"));
		required.stream()
			.filter((variable) -> !ComposeVariables.BLANK_MEANS_DEV_IDP.contains(variable))
			.filter((variable) -> neededByChosenDirectory(variable, environment))
			.filter((variable) -> effectiveValue(environment.get(variable)).isBlank())
			.forEach((variable) -> findings.add(name + ": requires " + variable + ", which is not set"));

		String appPort = first(PORT_DEFAULT, module.applicationYml());
		String exposed = first(EXPOSE, module.dockerfile());
		if (!appPort.equals(exposed)) {
			findings.add(name + ": the application listens on " + appPort + " but the Dockerfile exposes " + exposed);
		}
		if (environment.containsKey("PORT") && !appPort.equals(effectiveValue(environment.get("PORT")))) {
			findings.add(name + ": PORT is set to " + environment.get("PORT") + ", not " + appPort);
		}
		String listensOn = first(SERVER_ADDRESS_DEFAULT, module.applicationYml());
		if (!"(none)".equals(listensOn) && !EVERY_INTERFACE.equals(listensOn)
				&& !EVERY_INTERFACE.equals(effectiveValue(environment.get("SERVER_ADDRESS")))) {
			findings.add(name + ": listens on " + listensOn + " unless SERVER_ADDRESS is " + EVERY_INTERFACE
					+ ", so neither the other containers nor its published port reach it");
		}
		String managementPort = first(MANAGEMENT_PORT_DEFAULT, module.applicationYml());
		if ("(none)".equals(managementPort)) {
			findings.add(name + ": application.yml sets no MANAGEMENT_PORT, so actuator answers on port " + appPort);
		}
		if (environment.containsKey("MANAGEMENT_PORT")
				&& !managementPort.equals(effectiveValue(environment.get("MANAGEMENT_PORT")))) {
			findings.add(name + ": MANAGEMENT_PORT is set to " + environment.get("MANAGEMENT_PORT") + ", not "
					+ managementPort);
		}
		findings.addAll(publishedPortFindings(name, service, appPort, managementPort, environment));
		List<String> checked = healthcheckPorts(service);
		if (checked.isEmpty() || !checked.stream().allMatch(appPort::equals)) {
			findings.add(name + ": health check probes port(s) " + checked + ", not " + appPort);
		}
		healthcheckPaths(service).stream()
			.filter((path) -> !PUBLIC_PROBES.contains(path))
			.forEach((path) -> findings.add(name + ": health check asks " + path + " on port " + appPort
					+ ", which serves only " + new TreeSet<>(PUBLIC_PROBES)));
		return findings;
	}

	/**
	 * The public port as {@code port:port}; on the host's loopback only unless the
	 * service is meant for other machines. The management port, if published at all, on
	 * loopback only, and then the application must listen beyond the container's own
	 * loopback.
	 */
	private static List<String> publishedPortFindings(String name, Map<String, Object> service, String appPort,
			String managementPort, Map<String, String> environment) {
		List<String> findings = new ArrayList<>();
		List<String> published = ports(service);
		if (published.isEmpty()) {
			findings.add(name + ": publishes no port");
		}
		for (String mapping : published) {
			Matcher parts = PORT_MAPPING.matcher(mapping);
			boolean mapsPortToItself = parts.matches() && parts.group(2).equals(parts.group(3));
			String port = mapsPortToItself ? parts.group(3) : "";
			boolean onLoopback = mapsPortToItself && "127.0.0.1".equals(parts.group(1));
			if (port.equals(managementPort)) {
				if (!onLoopback) {
					findings.add(name + ": publishes management port " + mapping + " beyond 127.0.0.1");
				}
				if (!"0.0.0.0".equals(effectiveValue(environment.get("MANAGEMENT_ADDRESS")))) {
					findings.add(name + ": publishes management port " + managementPort
							+ ", but without MANAGEMENT_ADDRESS 0.0.0.0 it listens on the container's loopback only");
				}
			}
			else if (!port.equals(appPort)) {
				findings.add(name + ": publishes " + mapping + ", not " + appPort + ":" + appPort);
			}
			else if (!onLoopback && !PUBLIC_SERVICES.contains(name)) {
				findings.add(name + ": publishes " + mapping + " beyond 127.0.0.1");
			}
		}
		return findings;
	}

	private static boolean neededByChosenDirectory(String variable, Map<String, String> environment) {
		String chosen = effectiveValue(environment.get("PROFILE_DIRECTORY"));
		String directory = chosen.isBlank() ? "auth0" : chosen;
		return DIRECTORY_CREDENTIALS.entrySet()
			.stream()
			.filter((entry) -> variable.startsWith(entry.getKey()))
			.allMatch((entry) -> entry.getValue().equalsIgnoreCase(directory));
	}

	private static String effectiveValue(@Nullable String value) {
		return ComposeVariables.effectiveValue(value);
	}

	private static String first(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		return matcher.find() ? matcher.group(1) : "(none)";
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> environment(Map<String, Object> service) {
		Map<String, String> environment = new LinkedHashMap<>();
		Object declared = service.get("environment");
		if (declared instanceof Map<?, ?> map) {
			map.forEach((key, value) -> environment.put(String.valueOf(key), (value != null) ? value.toString() : ""));
		}
		else if (declared instanceof List<?> list) {
			for (Object entry : list) {
				String[] pair = entry.toString().split("=", 2);
				environment.put(pair[0], (pair.length > 1) ? pair[1] : "");
			}
		}
		return environment;
	}

	private static Map<String, String> dependencies(Map<String, Object> service) {
		Map<String, String> dependencies = new LinkedHashMap<>();
		Object declared = service.get("depends_on");
		if (declared instanceof Map<?, ?> map) {
			map.forEach((key, value) -> dependencies.put(String.valueOf(key),
					(value instanceof Map<?, ?> options) ? String.valueOf(options.get("condition")) : "(none)"));
		}
		else if (declared instanceof List<?> list) {
			list.forEach((key) -> dependencies.put(String.valueOf(key), "(none)"));
		}
		return dependencies;
	}

	private static List<String> ports(Map<String, Object> service) {
		Object declared = service.get("ports");
		return (declared instanceof List<?> list) ? list.stream().map(String::valueOf).toList() : List.of();
	}

	private static List<String> healthcheckPorts(Map<String, Object> service) {
		return all(DEV_TCP, healthcheckCommand(service));
	}

	private static List<String> healthcheckPaths(Map<String, Object> service) {
		return all(HTTP_GET, healthcheckCommand(service));
	}

	private static String healthcheckCommand(Map<String, Object> service) {
		if (!(service.get("healthcheck") instanceof Map<?, ?> healthcheck)) {
			return "";
		}
		Object test = healthcheck.get("test");
		return (test instanceof List<?> parts) ? String.join(" ", parts.stream().map(String::valueOf).toList())
				: String.valueOf(test);
	}

	private static List<String> all(Pattern pattern, String text) {
		List<String> found = new ArrayList<>();
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			found.add(matcher.group(1));
		}
		return found;
	}

}
