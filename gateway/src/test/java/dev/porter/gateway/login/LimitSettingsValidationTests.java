package dev.porter.gateway.login;

import dev.porter.gateway.forwarded.ForwardedProperties;
import dev.porter.gateway.routing.RelayProperties;
import dev.porter.gateway.session.SessionProperties;
import dev.porter.gateway.token.TokenProperties;
import org.junit.jupiter.api.Test;
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
	@CsvSource(delimiter = '|',
			value = { "porter.session.max=0|SESSION_MAX", "porter.session.max-per-user=0|SESSION_MAX_PER_USER",
					"porter.login.timeout=2h|LOGIN_TIMEOUT", "porter.login.rate-limit=0|LOGIN_RATE_LIMIT",
					"porter.login.rate-limit-period=0s|LOGIN_RATE_LIMIT_PERIOD",
					"porter.forwarded.trusted-proxies=10.0.0.0/8,proxy.internal|TRUSTED_PROXIES" })
	void startWhenLimitInvalidThenFailsNamingTheVariable(String setting, String variable) {
		this.runner.withPropertyValues(setting)
			.run((context) -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining(variable));
	}

	/**
	 * Every duration is range-checked at start-up: a zero rate-limit period once answered
	 * each /me with a 500 (a modulo by zero), a negative one failed inside Caffeine, a
	 * zero breaker wait inside Resilience4j, and a negative idle timeout kept in-memory
	 * sessions forever.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "porter.relay.rate-limit-period=0s|RATE_LIMIT_PERIOD",
			"porter.relay.rate-limit-period=500us|RATE_LIMIT_PERIOD",
			"porter.relay.rate-limit-period=-1m|RATE_LIMIT_PERIOD",
			"porter.relay.breaker-open-for=0s|RELAY_BREAKER_OPEN_FOR",
			"porter.relay.connect-timeout=0s|RELAY_CONNECT_TIMEOUT",
			"porter.relay.connect-timeout=30d|RELAY_CONNECT_TIMEOUT",
			"porter.relay.response-timeout=-1s|RELAY_RESPONSE_TIMEOUT",
			"porter.relay.retry-after=-5s|RELAY_RETRY_AFTER", "porter.session.idle-timeout=0s|SESSION_IDLE_TIMEOUT",
			"porter.session.idle-timeout=-30m|SESSION_IDLE_TIMEOUT",
			"porter.session.absolute-lifetime=0s|SESSION_ABSOLUTE_LIFETIME", "porter.login.timeout=-5m|LOGIN_TIMEOUT",
			"porter.token.refresh-ahead=-1s|TOKEN_REFRESH_AHEAD",
			// a refresh must fit in the shutdown's wait (60 s) and in the two minutes
			// Redis keeps an idle session for the request holding it
			"porter.token.refresh-timeout=41s|TOKEN_REFRESH_TIMEOUT" })
	void startWhenDurationOutOfRangeThenFailsNamingTheVariable(String setting, String variable) {
		this.runner.withPropertyValues(setting)
			.run((context) -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining(variable));
	}

	@Test
	void startWhenDurationsAtTheirDefaultsThenStarts() {
		this.runner.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ SessionProperties.class, LoginProperties.class, ForwardedProperties.class,
			RelayProperties.class, TokenProperties.class })
	static class LimitProperties {

	}

}
