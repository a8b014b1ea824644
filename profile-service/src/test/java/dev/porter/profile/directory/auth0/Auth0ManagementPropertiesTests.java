package dev.porter.profile.directory.auth0;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.porter.profile.oidc.OidcProperties;
import dev.porter.profile.testsupport.FailureMessages;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the Management API is, as application.yml reads it from the environment: beneath
 * the issuer unless {@code AUTH0_MANAGEMENT_URI} says otherwise, with the M2M token
 * endpoint and audience on the same origin.
 */
class Auth0ManagementPropertiesTests {

	// application.yml, with the environment variables a deployment sets
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withUserConfiguration(Settings.class)
		.withPropertyValues("AUTH0_MANAGEMENT_CLIENT_ID=porter-profile",
				"AUTH0_MANAGEMENT_CLIENT_SECRET=test-only-secret");

	@ParameterizedTest
	@ValueSource(strings = { "https://t.example", "https://t.example/" })
	void startWhenOnlyIssuerSetThenManagementApiBeneathItWithOneSlash(String issuer) {
		this.runner.withPropertyValues("OIDC_ISSUER_URI=" + issuer).run((context) -> {
			Auth0ManagementProperties management = context.getBean(Auth0ManagementProperties.class);
			String configured = context.getBean(OidcProperties.class).issuer();

			assertThat(management.managementUri(configured)).hasToString("https://t.example/api/v2/");
			assertThat(management.resolvedTokenUri(configured)).hasToString("https://t.example/oauth/token");
			assertThat(management.resolvedAudience(configured)).isEqualTo("https://t.example/api/v2/");
		});
	}

	@Test
	void startWhenManagementUriSetThenUsedInsteadOfIssuer() {
		this.runner
			.withPropertyValues("OIDC_ISSUER_URI=https://login.example.com/",
					"AUTH0_MANAGEMENT_URI=https://tenant.eu.auth0.com/api/v2")
			.run((context) -> {
				Auth0ManagementProperties management = context.getBean(Auth0ManagementProperties.class);
				String configured = context.getBean(OidcProperties.class).issuer();

				assertThat(management.managementUri(configured)).hasToString("https://tenant.eu.auth0.com/api/v2/");
				assertThat(management.resolvedTokenUri(configured))
					.hasToString("https://tenant.eu.auth0.com/oauth/token");
				assertThat(management.resolvedAudience(configured)).isEqualTo("https://tenant.eu.auth0.com/api/v2/");
			});
	}

	// The bare tenant domain started, got a valid M2M token (its audience comes from the
	// origin), then asked {domain}/users/{id}: every GET /me answered 404 user not
	// found, and nothing was logged.
	@ParameterizedTest
	@ValueSource(strings = { "https://tenant.eu.auth0.com/", "https://tenant.eu.auth0.com",
			"https://tenant.eu.auth0.com/api/", "https://tenant.eu.auth0.com/api/v2/users",
			"https://tenant.eu.auth0.com/v2/" })
	void startWhenManagementUriIsNotTheManagementApiThenFailsNamingVariableAndPath(String managementUri) {
		this.runner
			.withPropertyValues("OIDC_ISSUER_URI=https://tenant.eu.auth0.com/", "AUTH0_MANAGEMENT_URI=" + managementUri)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureMessages.of(context.getStartupFailure())).contains("AUTH0_MANAGEMENT_URI")
					.contains("/api/v2/");
			});
	}

	// dev-idp (docker compose), a tenant's domain with or without the trailing slash,
	// and a proxy that serves it beneath a path of its own
	@ParameterizedTest
	@ValueSource(strings = { "http://dev-idp:9000/api/v2/", "https://tenant.eu.auth0.com/api/v2",
			"https://tenant.eu.auth0.com/api/v2/", "https://egress.internal/auth0/api/v2/" })
	void startWhenManagementUriEndsWithApiV2ThenStarts(String managementUri) {
		this.runner
			.withPropertyValues("OIDC_ISSUER_URI=https://login.example.com/", "AUTH0_MANAGEMENT_URI=" + managementUri)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ OidcProperties.class, Auth0ManagementProperties.class })
	static class Settings {

	}

}
