package dev.porter.e2e.packaging;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The values docker-compose.yml gives each service, against application.yml and the
 * README's configuration table. A {@code .env} file only fills the compose file's
 * {@code ${…}}: a variable reaches a container only if the compose file passes it, and
 * then whatever compose passes (its {@code ${VAR-default}} default too) is what the
 * application reads, since Spring takes a variable set to nothing as the value "". And
 * the values must fit together: server-to-server URIs name a service on its application
 * port, and every service expects the issuer dev-idp issues as.
 */
final class ComposeVariables {

	/**
	 * What switching identity providers, or putting a proxy or another host name in
	 * front, changes: the README documents these per service, and {@code .env} must be
	 * able to set each one.
	 */
	private static final Pattern PROVIDER = Pattern.compile(
			"(OIDC|AUTH0|KEYCLOAK|LOGOUT|SESSION_COOKIE)_\\w+|PROFILE_DIRECTORY|PROFILE_\\w+_ALLOW_LIST|API_AUDIENCE"
					+ "|PUBLIC_BASE_URL|TRUSTED_PROXIES|TRUSTED_PROXY_HEADERS");

	/** {@code ${VAR-default}} or {@code ${VAR:-default}} as compose interpolates it. */
	private static final Pattern COMPOSE_DEFAULT = Pattern.compile("^\\$\\{[A-Z][A-Z0-9_]*:?-(.*)}$");

	/**
	 * Every URI a service calls another over the compose network (dev-idp's back-channel
	 * logout base included); the issuer is the one URI the browser sees, so it names the
	 * host's {@code localhost}.
	 */
	private static final Pattern BACK_CHANNEL = Pattern.compile("[A-Z][A-Z0-9_]*_URI|DEV_IDP_BACKCHANNEL_LOGOUT_BASE");

	/**
	 * Variables an application takes unset or blank as dev-idp's value while the issuer
	 * is on loopback, and refuses at start-up beyond it (the gateway's
	 * {@code OIDC_CLIENT_ID}). Compose passes them blank when {@code .env} does not set
	 * them: with dev-idp's value as compose's default, a {@code .env} naming a real
	 * issuer but not the variable hands the application that value as if the operator had
	 * set it, so it cannot refuse it, and the IdP gets a client it does not know.
	 */
	static final Set<String> BLANK_MEANS_DEV_IDP = Set.of("OIDC_CLIENT_ID");

	/**
	 * Variables an application takes unset or blank as its choice by the IdP's discovery
	 * (the gateway's {@code LOGOUT_ID_TOKEN_HINT}: the ID token to every IdP but Auth0).
	 * A value as compose's default forces one choice on whatever IdP a {@code .env}
	 * names, as if the operator had set it: {@code false} left Okta's logout without the
	 * ID token it requires.
	 */
	static final Set<String> BLANK_MEANS_BY_IDP = Set.of("LOGOUT_ID_TOKEN_HINT");

	/**
	 * Variables the gateway takes unset or blank as {@code PUBLIC_BASE_URL}'s scheme has
	 * them ({@code SESSION_COOKIE_NAME}, {@code SESSION_COOKIE_SECURE}: a {@code __Host-}
	 * name and {@code Secure} over https only). A value as compose's default overrides
	 * the scheme as if the operator had set it: {@code __Host-porter-session} and
	 * {@code true} on compose's own {@code http://localhost:8080} made Safari, which
	 * keeps no {@code Secure} cookie from a plain-http origin, end every login at
	 * {@code /?login=failed}.
	 */
	static final Set<String> BLANK_MEANS_BY_SCHEME = Set.of("SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE");

	private static final String ISSUER = "OIDC_ISSUER_URI";

	private static final String DEV_IDP_ISSUER = "DEV_IDP_ISSUER";

	private static final String MANAGEMENT_AUDIENCE = "AUTH0_MANAGEMENT_AUDIENCE";

	private ComposeVariables() {
	}

	/**
	 * One service that compose builds from a module.
	 *
	 * @param name the compose service
	 * @param port the port its application listens on (application.yml's {@code PORT})
	 * @param environment its {@code environment:} as written, before interpolation
	 * @param applicationYml the module's application.yml
	 */
	record Service(String name, String port, Map<String, String> environment, String applicationYml) {
	}

	static List<String> findings(List<Service> services, String readme) {
		Map<String, Set<String>> documented = ConfigurationTable.variablesByService(readme);
		Map<String, Service> byName = new LinkedHashMap<>();
		services.forEach((service) -> byName.put(service.name(), service));
		List<String> findings = new ArrayList<>();
		if (documented.isEmpty()) {
			findings.add("README.md: no variables in a '## Configuration' table to check the compose file against");
		}
		for (Service service : services) {
			findings.addAll(defaultFindings(service));
			findings.addAll(documentedFindings(service, documented));
			findings.addAll(backChannelFindings(service, byName));
			findings.addAll(audienceFindings(service));
		}
		findings.addAll(issuerFindings(services));
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
	 * (from discovery, from the issuer), which compose may fill for dev-idp, except where
	 * the application itself derives dev-idp's value from a loopback issuer
	 * ({@link #BLANK_MEANS_DEV_IDP}), chooses by the IdP ({@link #BLANK_MEANS_BY_IDP}) or
	 * by {@code PUBLIC_BASE_URL}'s scheme ({@link #BLANK_MEANS_BY_SCHEME}): there compose
	 * must leave it blank.
	 */
	private static List<String> defaultFindings(Service service) {
		List<String> findings = new ArrayList<>();
		service.environment().forEach((variable, value) -> {
			if (BLANK_MEANS_DEV_IDP.contains(variable) && !effectiveValue(value).isBlank()) {
				findings.add(service.name() + ": " + variable + " is '" + effectiveValue(value)
						+ "' in docker-compose.yml, which the application cannot tell from an operator's; pass it blank"
						+ " (${" + variable + "-}): the application takes blank as dev-idp's only with an issuer on"
						+ " loopback");
				return;
			}
			if (BLANK_MEANS_BY_IDP.contains(variable) && !effectiveValue(value).isBlank()) {
				findings.add(service.name() + ": " + variable + " is '" + effectiveValue(value)
						+ "' in docker-compose.yml, which forces it on whatever IdP .env names; pass it blank (${"
						+ variable + "-}): the application chooses by the IdP when it is blank");
				return;
			}
			if (BLANK_MEANS_BY_SCHEME.contains(variable) && !effectiveValue(value).isBlank()) {
				findings.add(service.name() + ": " + variable + " is '" + effectiveValue(value)
						+ "' in docker-compose.yml, which overrides what PUBLIC_BASE_URL's scheme decides; pass it blank"
						+ " (${" + variable + "-}): the application follows the scheme when it is blank");
				return;
			}
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
	 * Inside compose {@code localhost} is the container itself, and a management port
	 * serves actuator only: a server-to-server URI names another service on the port its
	 * application listens on.
	 */
	private static List<String> backChannelFindings(Service service, Map<String, Service> services) {
		List<String> findings = new ArrayList<>();
		service.environment().forEach((variable, value) -> {
			String uri = effectiveValue(value);
			if (!BACK_CHANNEL.matcher(variable).matches() || ISSUER.equals(variable) || uri.isBlank()) {
				return;
			}
			String prefix = service.name() + ": " + variable + " " + uri + " names ";
			URI parsed = URI.create(uri);
			Service target = services.get(parsed.getHost());
			int port = (parsed.getPort() != -1) ? parsed.getPort() : ("https".equals(parsed.getScheme()) ? 443 : 80);
			if (target == null) {
				findings.add(prefix + parsed.getHost() + ", not a compose service");
			}
			else if (!String.valueOf(port).equals(target.port())) {
				findings
					.add(prefix + target.name() + "'s port " + port + ", not its application port " + target.port());
			}
		});
		return findings;
	}

	/**
	 * Tokens carry the issuer dev-idp issues as; a service expecting another one refuses
	 * them all.
	 */
	private static List<String> issuerFindings(List<Service> services) {
		Optional<Service> devIdp = services.stream().filter((service) -> reads(service, DEV_IDP_ISSUER)).findFirst();
		if (devIdp.isEmpty()) {
			return List.of();
		}
		String issued = value(devIdp.get(), DEV_IDP_ISSUER);
		return services.stream()
			.filter((service) -> reads(service, ISSUER))
			.filter((service) -> !value(service, ISSUER).equals(issued))
			.map((service) -> service.name() + ": " + ISSUER + " defaults to " + value(service, ISSUER) + ", but "
					+ devIdp.get().name() + "'s " + DEV_IDP_ISSUER + " is " + issued)
			.toList();
	}

	/** dev-idp, like Auth0, names its Management API {@code {issuer}api/v2/}. */
	private static List<String> audienceFindings(Service service) {
		String audience = effectiveValue(service.environment().get(MANAGEMENT_AUDIENCE));
		String issuer = value(service, ISSUER);
		String expected = (issuer.endsWith("/") ? issuer : issuer + "/") + "api/v2/";
		if (audience.isBlank() || audience.equals(expected)) {
			return List.of();
		}
		return List.of(service.name() + ": " + MANAGEMENT_AUDIENCE + " defaults to " + audience + ", not the issuer's "
				+ expected);
	}

	/**
	 * What the application gets when {@code .env} sets nothing: the compose value, else
	 * application.yml's default.
	 */
	private static String value(Service service, String variable) {
		String composed = service.environment().get(variable);
		if (composed != null) {
			return effectiveValue(composed);
		}
		String fallback = applicationDefault(service.applicationYml(), variable);
		return (fallback != null) ? fallback : "";
	}

	private static boolean reads(Service service, String variable) {
		return service.applicationYml().contains("${" + variable + ":")
				|| service.applicationYml().contains("${" + variable + "}");
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
