package dev.porter.gateway.redis;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class RedisPropertiesValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(RedisPropertiesConfiguration.class);

	@Test
	void startWhenRedisTimeoutNotSetThenHalfASecond() {
		this.runner.run((context) -> assertThat(context.getBean(RedisProperties.class).timeout())
			.isEqualTo(Duration.ofMillis(500)));
	}

	@Test
	void startWhenRedisTimeoutZeroThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("porter.redis.timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("REDIS_TIMEOUT"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RedisProperties.class)
	static class RedisPropertiesConfiguration {

	}

}
