package dev.porter.e2e.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.porter.e2e.packaging.ComposeDrift.Module;
import dev.porter.e2e.processes.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml against the applications it runs, without Docker: the real file has
 * no drift, and deliberately wrong copies of it are caught.
 */
class ComposeFileTests {

	private static final String COMPOSE = read(Layout.root().resolve("docker-compose.yml"));

	private static final String README = read(Layout.root().resolve("README.md"));

	@Test
	void checkWhenRealComposeFileThenEveryServiceMatchesItsApplication() {
		assertThat(findings(COMPOSE)).isEmpty();
	}

	@Test
	void checkWhenRealComposeFileThenItRunsTheThreeServicesAndRedis() {
		assertThat(COMPOSE).contains("dockerfile: dev-idp/Dockerfile", "dockerfile: profile-service/Dockerfile",
				"dockerfile: gateway/Dockerfile", "image: redis:7-alpine");
	}

	@Test
	void checkWhenRedisRestartsFromSnapshotsOrWithoutALogThenReported() {
		String snapshots = replaceOnce(COMPOSE, ", \"--save\", \"\"]", "]");
		String noLog = replaceOnce(COMPOSE, "\"--appendonly\", \"yes\", ", "");

		assertThat(findings(snapshots))
			.containsExactly("redis: keeps RDB snapshots (no --save \"\"), so a restart brings back an older state");
		assertThat(findings(noLog))
			.containsExactly("redis: keeps no append-only log (no --appendonly yes), so a restart loses every session");
	}

	@Test
	void checkWhenVariableUnknownToApplicationThenReported() {
		String drifted = replaceOnce(COMPOSE, "      PUBLIC_BASE_URL:",
				"      OIDC_DISCOVERY_URL: http://dev-idp:9000/\n" + "      PUBLIC_BASE_URL:");

		assertThat(findings(drifted))
			.containsExactly("gateway: sets OIDC_DISCOVERY_URL, which the application never reads");
	}

	@Test
	void checkWhenRequiredSecretMissingThenReported() {
		String drifted = replaceOnce(COMPOSE,
				"      AUTH0_MANAGEMENT_CLIENT_SECRET: ${AUTH0_MANAGEMENT_CLIENT_SECRET-porter-profile-dev-secret}\n",
				"");

		assertThat(findings(drifted)).containsExactly(
				"profile-service: requires AUTH0_MANAGEMENT_CLIENT_SECRET, which is not set",
				"profile-service: does not pass AUTH0_MANAGEMENT_CLIENT_SECRET, which README.md documents for it (set in "
						+ ".env, it would never reach the container)");
	}

	@Test
	void checkWhenKeycloakDirectoryChosenWithoutItsCredentialsThenReported() {
		String drifted = replaceOnce(COMPOSE, "${PROFILE_DIRECTORY-auth0}", "keycloak");

		assertThat(findings(drifted)).containsExactly("profile-service: requires KEYCLOAK_CLIENT_ID, which is not set",
				"profile-service: requires KEYCLOAK_CLIENT_SECRET, which is not set");
	}

	@Test
	void checkWhenRequiredSecretDefaultsToBlankThenReported() {
		String drifted = replaceOnce(COMPOSE, "${OIDC_CLIENT_SECRET-porter-gateway-dev-secret}",
				"${OIDC_CLIENT_SECRET-}");

		assertThat(findings(drifted)).containsExactly("gateway: requires OIDC_CLIENT_SECRET, which is not set");
	}

	@Test
	void checkWhenSessionKeysMissingThenReported() {
		String drifted = COMPOSE.replaceAll("      SESSION_ENCRYPTION_KEYS: .*\n", "");

		assertThat(findings(drifted)).containsExactly("gateway: requires SESSION_ENCRYPTION_KEYS, which is not set");
	}

	@Test
	void checkWhenComposeDefaultDiffersFromApplicationDefaultThenReported() {
		String drifted = replaceOnce(COMPOSE, "${API_AUDIENCE-https://porter.example/api}",
				"${API_AUDIENCE-https://porter.example/api/}");

		assertThat(findings(drifted)).containsExactly("profile-service: API_AUDIENCE defaults to "
				+ "'https://porter.example/api/' in docker-compose.yml, but to 'https://porter.example/api' in "
				+ "application.yml");
	}

	@Test
	void checkWhenComposeDefaultBlanksApplicationDefaultThenReported() {
		String drifted = replaceOnce(COMPOSE, "${OIDC_SCOPES-openid profile email offline_access}", "${OIDC_SCOPES-}");

		assertThat(findings(drifted)).containsExactly("gateway: OIDC_SCOPES defaults to '' in docker-compose.yml, but "
				+ "to 'openid profile email offline_access' in application.yml");
	}

	// With dev-idp's id as compose's default, a .env naming a real issuer but not
	// OIDC_CLIENT_ID reached the gateway as if the operator had set porter-gateway: the
	// gateway could not refuse it, and every user ended on the IdP's error page.
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "${OIDC_CLIENT_ID-porter-gateway}|porter-gateway",
			"${OIDC_CLIENT_ID:-porter-gateway}|porter-gateway", "porter-gateway|porter-gateway" })
	void checkWhenComposeFillsInTheDevelopmentClientIdThenReported(String value, String filled) {
		String drifted = replaceOnce(COMPOSE, "OIDC_CLIENT_ID: ${OIDC_CLIENT_ID-}", "OIDC_CLIENT_ID: " + value);

		assertThat(findings(drifted)).containsExactly("gateway: OIDC_CLIENT_ID is '" + filled
				+ "' in docker-compose.yml, which the application cannot tell from an operator's; pass it blank "
				+ "(${OIDC_CLIENT_ID-}): the application takes blank as dev-idp's only with an issuer on loopback");
	}

	// With false as compose's default, a .env naming Okta but not LOGOUT_ID_TOKEN_HINT
	// reached the gateway as if the operator had chosen logout_hint: Okta's logout,
	// without the ID token it requires, showed an error page and its session stayed.
	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "${LOGOUT_ID_TOKEN_HINT-false}|false", "${LOGOUT_ID_TOKEN_HINT:-true}|true", "false|false" })
	void checkWhenComposeFillsInALogoutHintThenReported(String value, String filled) {
		String drifted = replaceOnce(COMPOSE, "LOGOUT_ID_TOKEN_HINT: ${LOGOUT_ID_TOKEN_HINT-}",
				"LOGOUT_ID_TOKEN_HINT: " + value);

		assertThat(findings(drifted)).containsExactly("gateway: LOGOUT_ID_TOKEN_HINT is '" + filled
				+ "' in docker-compose.yml, which forces it on whatever IdP .env names; pass it blank "
				+ "(${LOGOUT_ID_TOKEN_HINT-}): the application chooses by the IdP when it is blank");
	}

	// With __Host-porter-session and true as compose's defaults, compose's own
	// http://localhost:8080 set Secure cookies, which Safari drops over plain http: every
	// login there ended at /?login=failed. Blank, the gateway follows PUBLIC_BASE_URL.
	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "SESSION_COOKIE_NAME|${SESSION_COOKIE_NAME-__Host-porter-session}|__Host-porter-session",
					"SESSION_COOKIE_SECURE|${SESSION_COOKIE_SECURE-true}|true",
					"SESSION_COOKIE_SECURE|${SESSION_COOKIE_SECURE:-false}|false" })
	void checkWhenComposeFillsInASessionCookieSettingThenReported(String variable, String value, String filled) {
		String drifted = replaceOnce(COMPOSE, variable + ": ${" + variable + "-}", variable + ": " + value);

		assertThat(findings(drifted)).containsExactly("gateway: " + variable + " is '" + filled
				+ "' in docker-compose.yml, which overrides what PUBLIC_BASE_URL's scheme decides; pass it blank (${"
				+ variable + "-}): the application follows the scheme when it is blank");
	}

	@ParameterizedTest
	@CsvSource({ "gateway, OIDC_SCOPES", "gateway, TRUSTED_PROXIES", "profile-service, PROFILE_DIRECTORY",
			"profile-service, KEYCLOAK_CLIENT_SECRET" })
	void checkWhenDocumentedProviderVariableNotPassedThenReported(String service, String variable) {
		String drifted = COMPOSE.replaceAll("      " + variable + ": .*\n", "");

		assertThat(findings(drifted)).containsExactly(service + ": does not pass " + variable
				+ ", which README.md documents for it (set in .env, it would never reach the container)");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					${OIDC_TOKEN_URI-http://dev-idp:9000/oauth/token} | ${OIDC_TOKEN_URI-http://localhost:9000/oauth/token} | \
					gateway: OIDC_TOKEN_URI http://localhost:9000/oauth/token names localhost, not a compose service
					${AUTH0_MANAGEMENT_URI-http://dev-idp:9000/api/v2/} | ${AUTH0_MANAGEMENT_URI-http://dev-idp:9001/api/v2/} | \
					profile-service: AUTH0_MANAGEMENT_URI http://dev-idp:9001/api/v2/ names dev-idp's port 9001, not its application port 9000
					PROFILE_SERVICE_URI: http://profile-service:8081 | PROFILE_SERVICE_URI: http://profile-service:9081 | \
					gateway: PROFILE_SERVICE_URI http://profile-service:9081 names profile-service's port 9081, not its application port 8081
					PROFILE_SERVICE_URI: http://profile-service:8081 | PROFILE_SERVICE_URI: http://profile-service | \
					gateway: PROFILE_SERVICE_URI http://profile-service names profile-service's port 80, not its application port 8081
					DEV_IDP_BACKCHANNEL_LOGOUT_BASE: http://gateway:8080 | DEV_IDP_BACKCHANNEL_LOGOUT_BASE: http://localhost:8080 | \
					dev-idp: DEV_IDP_BACKCHANNEL_LOGOUT_BASE http://localhost:8080 names localhost, not a compose service
					""")
	void checkWhenBackChannelUriMissesTheServicesApplicationPortThenReported(String real, String drift,
			String finding) {
		assertThat(findings(replaceOnce(COMPOSE, real, drift))).containsExactly(finding);
	}

	@Test
	void checkWhenDevIdpIssuerDiffersFromServicesIssuerThenReported() {
		String drifted = replaceOnce(COMPOSE, "${DEV_IDP_ISSUER-http://localhost:9000/}", "http://127.0.0.1:9000/");

		assertThat(findings(drifted)).containsExactly(
				"profile-service: OIDC_ISSUER_URI defaults to http://localhost:9000/, but dev-idp's DEV_IDP_ISSUER is "
						+ "http://127.0.0.1:9000/",
				"gateway: OIDC_ISSUER_URI defaults to http://localhost:9000/, but dev-idp's DEV_IDP_ISSUER is "
						+ "http://127.0.0.1:9000/");
	}

	@Test
	void checkWhenManagementAudienceNotBeneathIssuerThenReported() {
		String drifted = replaceOnce(COMPOSE, "${AUTH0_MANAGEMENT_AUDIENCE-http://localhost:9000/api/v2/}",
				"${AUTH0_MANAGEMENT_AUDIENCE-http://dev-idp:9000/api/v2/}");

		assertThat(findings(drifted)).containsExactly("profile-service: AUTH0_MANAGEMENT_AUDIENCE defaults to "
				+ "http://dev-idp:9000/api/v2/, not the issuer's http://localhost:9000/api/v2/");
	}

	@Test
	void checkWhenReadmeHasNoConfigurationTableThenReported() {
		List<String> findings = ComposeDrift.findings(COMPOSE, README.replace("## Configuration", "## Settings"),
				ComposeFileTests::module);

		assertThat(findings)
			.containsExactly("README.md: no variables in a '## Configuration' table to check the compose file against");
	}

	@Test
	void checkWhenPublishedPortDiffersFromApplicationThenReported() {
		String drifted = replaceOnce(COMPOSE, "\"127.0.0.1:8081:8081\"", "\"127.0.0.1:8082:8082\"");

		assertThat(findings(drifted)).containsExactly("profile-service: publishes 127.0.0.1:8082:8082, not 8081:8081");
	}

	@ParameterizedTest
	@CsvSource({ "profile-service, 8081", "dev-idp, 9000" })
	void checkWhenInternalServicePublishedOnEveryInterfaceThenReported(String service, int port) {
		String mapping = port + ":" + port;
		String drifted = replaceOnce(COMPOSE, "\"127.0.0.1:" + mapping + "\"", "\"" + mapping + "\"");

		assertThat(findings(drifted)).containsExactly(service + ": publishes " + mapping + " beyond 127.0.0.1");
	}

	@Test
	void checkWhenManagementPortPublishedOnEveryInterfaceThenReported() {
		String drifted = replaceOnce(COMPOSE, "\"127.0.0.1:9080:9080\"", "\"9080:9080\"");

		assertThat(findings(drifted)).containsExactly("gateway: publishes management port 9080:9080 beyond 127.0.0.1");
	}

	@Test
	void checkWhenManagementPortPublishedButListeningOnContainerLoopbackThenReported() {
		String drifted = replaceOnce(COMPOSE, "      MANAGEMENT_ADDRESS: 0.0.0.0\n", "");

		assertThat(findings(drifted))
			.containsExactly("dev-idp: publishes management port 9001, but without MANAGEMENT_ADDRESS 0.0.0.0 it "
					+ "listens on the container's loopback only");
	}

	@Test
	void checkWhenLoopbackBoundServiceNotToldToListenInTheContainerNetworkThenReported() {
		String drifted = replaceOnce(COMPOSE, "      SERVER_ADDRESS: 0.0.0.0\n", "");

		assertThat(findings(drifted)).containsExactly("dev-idp: listens on 127.0.0.1 unless SERVER_ADDRESS is 0.0.0.0, "
				+ "so neither the other containers nor its published port reach it");
	}

	@Test
	void checkWhenApplicationHasNoManagementPortThenReported() {
		Module gateway = module("gateway");
		Module drifted = new Module(gateway.applicationYml().replace("${MANAGEMENT_PORT:9080}", "${PORT:8080}"),
				gateway.dockerfile());

		List<String> findings = ComposeDrift.findings(COMPOSE, README,
				(name) -> "gateway".equals(name) ? drifted : module(name));

		assertThat(findings)
			.contains("gateway: application.yml sets no MANAGEMENT_PORT, so actuator answers on port 8080");
	}

	@Test
	void checkWhenHealthCheckAsksActuatorOnPublicPortThenReported() {
		String drifted = replaceOnce(COMPOSE, "GET /readyz HTTP", "GET /actuator/health/readiness HTTP");

		assertThat(findings(drifted)).containsExactly(
				"dev-idp: health check asks /actuator/health/readiness on port 9000, which serves only [/livez, /readyz]");
	}

	@Test
	void checkWhenHealthCheckProbesAnotherPortThenReported() {
		String drifted = replaceOnce(COMPOSE, "/dev/tcp/127.0.0.1/8080", "/dev/tcp/127.0.0.1/8081");

		assertThat(findings(drifted)).containsExactly("gateway: health check probes port(s) [8081], not 8080");
	}

	@Test
	void checkWhenDependencyNotAwaitedHealthyThenReported() {
		String drifted = replaceOnce(COMPOSE, "condition: service_healthy", "condition: service_started");

		assertThat(findings(drifted))
			.containsExactly("profile-service: depends on dev-idp without condition service_healthy");
	}

	@Test
	void checkWhenDockerfileExposesAnotherPortThanApplicationThenReported() {
		Module gateway = module("gateway");
		Module drifted = new Module(gateway.applicationYml(), gateway.dockerfile().replace("EXPOSE 8080", "EXPOSE 80"));

		List<String> findings = ComposeDrift.findings(COMPOSE, README,
				(name) -> "gateway".equals(name) ? drifted : module(name));

		assertThat(findings).containsExactly("gateway: the application listens on 8080 but the Dockerfile exposes 80");
	}

	private static List<String> findings(String compose) {
		return ComposeDrift.findings(compose, README, ComposeFileTests::module);
	}

	private static Module module(String name) {
		Path dir = Layout.root().resolve(name);
		return new Module(read(dir.resolve("src/main/resources/application.yml")), read(dir.resolve("Dockerfile")));
	}

	private static String withoutEntry(String compose, String variable) {
		String entry = "      " + variable + ": ";
		assertThat(compose).as("the real file must contain what the test changes").contains(entry);
		int at = compose.indexOf(entry);
		return compose.substring(0, at) + compose.substring(compose.indexOf('\n', at) + 1);
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
