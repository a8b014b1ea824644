package dev.porter.gateway.logout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class LogoutPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(LogoutPropertiesConfiguration.class);

	@Test
	void startWhenLogoutIdTokenHintNotSetThenChosenByTheIdp() {
		this.runner.run((context) -> assertThat(context.getBean(LogoutProperties.class).hint())
			.isEqualTo(LogoutHint.BY_PROVIDER));
	}

	// docker compose passes an unset variable as "", and Spring reads "" as the value.
	@ParameterizedTest
	@CsvSource(
			value = { "''|BY_PROVIDER", "true|ID_TOKEN", "TRUE|ID_TOKEN", "false|SESSION_ID", "' False '|SESSION_ID" },
			delimiter = '|')
	void startWhenLogoutIdTokenHintSetThenThatChoice(String setting, LogoutHint hint) {
		this.runner.withPropertyValues("porter.logout.id-token-hint=" + setting)
			.run((context) -> assertThat(context.getBean(LogoutProperties.class).hint()).isEqualTo(hint));
	}

	// "auto" or "yes" read as something they are not would send the wrong hint to the
	// IdP, and a logout that leaves its session signed in is found out by the next user.
	@ParameterizedTest
	@ValueSource(strings = { "auto", "yes", "1", "id_token_hint" })
	void startWhenLogoutIdTokenHintIsNeitherTrueNorFalseThenFailsNamingTheVariable(String setting) {
		this.runner.withPropertyValues("porter.logout.id-token-hint=" + setting)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("LOGOUT_ID_TOKEN_HINT must be true, false, or unset"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(LogoutProperties.class)
	static class LogoutPropertiesConfiguration {

	}

}
