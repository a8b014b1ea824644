package dev.porter.gateway.login;

import dev.porter.gateway.forwarded.ForwardedProperties;
import dev.porter.gateway.session.SessionProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad limit stops start-up naming the variable to fix. */
class LimitSettingsValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(LimitProperties.class);

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "porter.session.max=0|SESSION_MAX", "porter.login.timeout=2h|LOGIN_TIMEOUT",
			"porter.login.rate-limit=0|LOGIN_RATE_LIMIT", "porter.login.rate-limit-period=0s|LOGIN_RATE_LIMIT_PERIOD",
			"porter.forwarded.trusted-proxies=10.0.0.0/8,proxy.internal|TRUSTED_PROXIES" })
	void startWhenLimitInvalidThenFailsNamingTheVariable(String setting, String variable) {
		this.runner.withPropertyValues(setting)
			.run((context) -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining(variable));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ SessionProperties.class, LoginProperties.class, ForwardedProperties.class })
	static class LimitProperties {

	}

}
