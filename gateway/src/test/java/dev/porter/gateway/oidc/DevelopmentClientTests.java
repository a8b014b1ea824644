package dev.porter.gateway.oidc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code OIDC_CLIENT_ID} as the gateway's application.yml reads it, unset or set to
 * nothing: docker compose passes it set to nothing whenever {@code .env} does not set it
 * (so that an operator who names a real issuer but forgets the id is stopped, instead of
 * sending every user to that IdP as dev-idp's {@code porter-gateway}, which ended on the
 * IdP's error page with nothing logged), and {@code .env.example} has an
 * {@code OIDC_CLIENT_ID=} line to fill in.
 */
class DevelopmentClientTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Bound.class)
		.withPropertyValues("OIDC_CLIENT_SECRET=s");

	// dev-idp (docker compose and run.sh), or a local Keycloak with the e2e realm's
	// client
	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "http://localhost:9000/|OIDC_CLIENT_ID=", "http://localhost:9000/|OIDC_CLIENT_ID= ",
					"http://localhost:9000/|UNRELATED=x", "http://127.0.0.1:9000/|OIDC_CLIENT_ID=",
					"http://[::1]:9000/|OIDC_CLIENT_ID=", "http://localhost:8180/realms/porter|UNRELATED=x" })
	void startWhenClientIdBlankOrUnsetAndIssuerOnLoopbackThenDevIdpsClient(String issuer, String clientId) {
		this.runner.withPropertyValues("OIDC_ISSUER_URI=" + issuer, clientId)
			.run((context) -> assertThat(context.getBean(OidcProperties.class).clientId()).isEqualTo("porter-gateway"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "https://tenant.eu.auth0.com/|OIDC_CLIENT_ID=", "https://tenant.eu.auth0.com/|UNRELATED=x",
					"https://keycloak.example/realms/porter|OIDC_CLIENT_ID= ", "http://dev-idp:9000/|OIDC_CLIENT_ID=",
					"https://127.eu.example.com/|UNRELATED=x" })
	void startWhenClientIdBlankOrUnsetAndIssuerBeyondLoopbackThenFailsNamingTheVariable(String issuer,
			String clientId) {
		this.runner.withPropertyValues("OIDC_ISSUER_URI=" + issuer, clientId)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("set OIDC_CLIENT_ID")
				.hasMessageContaining("porter-gateway")
				.hasMessageContaining(issuer));
	}

	// README's Keycloak recipe names the gateway's client porter-gateway: set on
	// purpose, it is the IdP's own.
	@ParameterizedTest
	@ValueSource(strings = { "porter-gateway", "aBc123" })
	void startWhenClientIdSetAndIssuerBeyondLoopbackThenThatClient(String clientId) {
		this.runner
			.withPropertyValues("OIDC_ISSUER_URI=https://keycloak.example/realms/porter", "OIDC_CLIENT_ID=" + clientId)
			.run((context) -> assertThat(context.getBean(OidcProperties.class).clientId()).isEqualTo(clientId));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(OidcProperties.class)
	static class Bound {

	}

}
