package dev.porter.profile.config;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.FailureMessages;
import dev.porter.profile.directory.DirectoryProperties;
import dev.porter.profile.directory.auth0.Auth0ManagementProperties;
import dev.porter.profile.directory.keycloak.KeycloakProperties;

import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PROFILE_DIRECTORY} decides which directory's settings are bound and checked: the
 * others may be absent.
 */
class DirectorySelectionTests {

	// application.yml's defaults, with the application's own properties scan
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withUserConfiguration(Scan.class)
		.withPropertyValues("porter.oidc.issuer-uri=https://sso.example/realms/porter");

	@Test
	void startWhenNoDirectoryThenNeedsNoDirectorySettings() {
		this.runner.withPropertyValues("porter.directory.kind=none").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(Auth0ManagementProperties.class);
			assertThat(context).doesNotHaveBean(KeycloakProperties.class);
		});
	}

	@Test
	void startWhenDirectoryNotSetThenAuth0SettingsRequired() {
		this.runner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("AUTH0_MANAGEMENT_CLIENT_ID");
		});
	}

	@Test
	void startWhenDirectoryUnknownThenFailsNamingVariable() {
		this.runner.withPropertyValues("porter.directory.kind=ldap").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("PROFILE_DIRECTORY");
		});
	}

	@Test
	void startWhenDirectoryInCapitalsThenSelectsIt() {
		keycloak().withPropertyValues("porter.directory.kind=KEYCLOAK").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(KeycloakProperties.class);
			assertThat(context.getBean(DirectoryProperties.class).kind()).isEqualTo("keycloak");
		});
	}

	@Test
	void startWhenKeycloakWithoutSecretThenFailsNamingVariableAndNeedsNoAuth0Settings() {
		this.runner.withPropertyValues("porter.directory.kind=keycloak", "porter.directory.keycloak.client-id=porter")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureMessages.of(context.getStartupFailure())).contains("KEYCLOAK_CLIENT_SECRET")
					.doesNotContain("AUTH0_MANAGEMENT");
			});
	}

	@Test
	void startWhenKeycloakWithoutAdminUriThenDerivedFromIssuerWithTokenEndpointBeside() {
		keycloak().run((context) -> {
			KeycloakProperties keycloak = context.getBean(KeycloakProperties.class);
			assertThat(keycloak.metadataPrefix()).isEqualTo("user_metadata.");
			assertThat(keycloak.resolvedAdminUri("https://sso.example/realms/porter"))
				.hasToString("https://sso.example/admin/realms/porter/");
			assertThat(keycloak.resolvedAdminUri("https://sso.example/auth/realms/porter/"))
				.hasToString("https://sso.example/auth/admin/realms/porter/");
			assertThat(keycloak.tokenUri(keycloak.resolvedAdminUri("https://sso.example/auth/realms/porter")))
				.hasToString("https://sso.example/auth/realms/porter/protocol/openid-connect/token");
		});
	}

	@Test
	void startWhenKeycloakAdminUriGivenThenUsedWithTokenEndpointOnItsHost() {
		keycloak().withPropertyValues("porter.directory.keycloak.admin-uri=http://keycloak:8080/admin/realms/porter")
			.run((context) -> {
				KeycloakProperties keycloak = context.getBean(KeycloakProperties.class);
				assertThat(keycloak.resolvedAdminUri("http://localhost:8080/realms/porter"))
					.hasToString("http://keycloak:8080/admin/realms/porter/");
				assertThat(keycloak.tokenUri(keycloak.resolvedAdminUri("http://localhost:8080/realms/porter")))
					.hasToString("http://keycloak:8080/realms/porter/protocol/openid-connect/token");
			});
	}

	@Test
	void startWhenKeycloakPrefixTooLongForKeycloakAttributeNamesThenFailsNamingVariable() {
		keycloak().withPropertyValues("porter.directory.keycloak.metadata-prefix=" + "p".repeat(56)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("KEYCLOAK_METADATA_PREFIX");
		});
	}

	private ApplicationContextRunner keycloak() {
		return this.runner.withPropertyValues("porter.directory.kind=keycloak",
				"porter.directory.keycloak.client-id=porter-profile",
				"porter.directory.keycloak.client-secret=test-only-secret");
	}

	@Configuration(proxyBeanMethods = false)
	@ConfigurationPropertiesScan(basePackageClasses = DirectoryProperties.class)
	static class Scan {

	}

}
