package dev.porter.gateway.config;

import java.time.Duration;

import dev.porter.gateway.oidc.OidcProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class StartupValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(OidcPropertiesConfiguration.class)
		.withPropertyValues("porter.oidc.issuer-uri=http://localhost:9000/", "porter.oidc.client-id=porter-gateway",
				"porter.oidc.audience=https://porter.example/api");

	@Test
	void startWhenClientSecretMissingThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("porter.oidc.client-secret=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("OIDC_CLIENT_SECRET"));
	}

	@Test
	void startWhenScopesGivenAsOneStringThenSplitIntoScopes() {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", "porter.oidc.scopes=openid profile email")
			.run((context) -> assertThat(context.getBean(OidcProperties.class).scopeList()).containsExactly("openid",
					"profile", "email"));
	}

	@Test
	void startWhenIdpResponseTimeoutNotSetThenFiveSeconds() {
		this.runner.withPropertyValues("porter.oidc.client-secret=s")
			.run((context) -> assertThat(context.getBean(OidcProperties.class).responseTimeout())
				.isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void startWhenIdpResponseTimeoutNotPositiveThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", "porter.oidc.response-timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("OIDC_RESPONSE_TIMEOUT"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(OidcProperties.class)
	static class OidcPropertiesConfiguration {

	}

}
