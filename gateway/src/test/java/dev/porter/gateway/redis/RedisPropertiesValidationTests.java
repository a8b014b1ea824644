package dev.porter.gateway.redis;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

	// Lettuce's parse errors quote the URL, password included; openssl rand -base64
	// passwords hold a / or + half the time, and the failure went to the start-up log.
	@ParameterizedTest
	@ValueSource(strings = { "redis://:pw/Zq9+e=@redis.internal:6379", "rediss://:pw%zzZq9@redis.internal:6380",
			"redis://:pw^Zq9@redis.internal:6379", "redis://:pw Zq9@redis.internal:6379",
			"redis://:pw#Zq9@redis.internal:6379", "redis://:pw@Zq9@redis.internal:6379",
			"rediss://:pw@Zq9@redis.internal:6380", "localhost:6379", "redis://" })
	void startWhenRedisUrlMalformedThenFailsNamingTheVariableWithoutThePassword(String url) {
		this.runner.withPropertyValues("porter.redis.url=" + url).run((context) -> {
			assertThat(context).hasFailed();
			String messages = messages(context.getStartupFailure());
			assertThat(messages).contains("REDIS_URL").doesNotContain("Zq9");
		});
	}

	// A record's own toString prints every component: a log line or a debugger showing
	// the settings would show Redis's password.
	@Test
	void toStringWhenTheUrlHasAPasswordThenNotShown() {
		RedisProperties properties = new RedisProperties("rediss://:s3cret-pass@redis.internal:6380",
				Duration.ofMillis(500));

		assertThat(properties.toString()).doesNotContain("s3cret-pass").contains("PT0.5S", "REDIS_URL set");
	}

	@Test
	void startWhenRedisUrlHasPercentEncodedPasswordThenStarts() {
		this.runner.withPropertyValues("porter.redis.url=rediss://:ab%2Fcd%2Be%3D@redis.internal:6380")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** A binding error names the setting deep in the cause chain, not at its top. */
	private static String messages(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			text.append(t.getMessage()).append('\n');
		}
		return text.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RedisProperties.class)
	static class RedisPropertiesConfiguration {

	}

}
