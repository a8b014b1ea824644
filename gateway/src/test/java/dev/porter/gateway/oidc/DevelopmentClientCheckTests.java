package dev.porter.gateway.oidc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code OIDC_CLIENT_ID} defaults to dev-idp's {@code porter-gateway}. An operator who
 * set the issuer and the secret of a real IdP but not the id sent every user to the IdP
 * as {@code client_id=porter-gateway}: the IdP showed its error page, and nothing was
 * logged.
 */
class DevelopmentClientCheckTests {

	/** application.yml's {@code client-id}, default included. */
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Checked.class)
		.withPropertyValues("porter.oidc.client-id=${OIDC_CLIENT_ID:porter-gateway}", "porter.oidc.client-secret=s",
				"porter.oidc.audience=https://porter.example/api");

	@ParameterizedTest
	@ValueSource(strings = { "https://tenant.eu.auth0.com/", "https://keycloak.example/realms/porter",
			"http://dev-idp:9000/", "https://127.eu.example.com/" })
	void startWhenClientIdNotSetAndIssuerBeyondLoopbackThenFailsNamingTheVariable(String issuer) {
		this.runner.withPropertyValues("porter.oidc.issuer-uri=" + issuer)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("set OIDC_CLIENT_ID")
				.hasMessageContaining("porter-gateway")
				.hasMessageContaining(issuer));
	}

	// dev-idp, or a local Keycloak with the e2e realm's client
	@ParameterizedTest
	@ValueSource(strings = { "http://localhost:9000/", "http://127.0.0.1:9000/", "http://[::1]:9000/",
			"http://localhost:8180/realms/porter" })
	void startWhenClientIdNotSetAndIssuerOnLoopbackThenStarts(String issuer) {
		this.runner.withPropertyValues("porter.oidc.issuer-uri=" + issuer)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	// README's Keycloak recipe names the gateway's client porter-gateway: set on
	// purpose, it is the IdP's own.
	@Test
	void startWhenClientIdSetToTheDevelopmentOneAndIssuerBeyondLoopbackThenStarts() {
		this.runner
			.withPropertyValues("OIDC_CLIENT_ID=porter-gateway",
					"porter.oidc.issuer-uri=https://keycloak.example/realms/porter")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenClientIdSetAndIssuerBeyondLoopbackThenStarts() {
		this.runner.withPropertyValues("OIDC_CLIENT_ID=aBc123", "porter.oidc.issuer-uri=https://tenant.eu.auth0.com/")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(OidcProperties.class)
	@Import(DevelopmentClientCheck.class)
	static class Checked {

	}

}
