package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Duration;

import dev.porter.gateway.redis.RedisKeyTracking;
import dev.porter.gateway.support.TestSessionKeys;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up with {@code REDIS_URL}: the session keys are required and checked. */
class RedisSessionConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(UnconnectedRedis.class, RedisSessionConfiguration.class)
		.withPropertyValues("porter.redis.url=redis://127.0.0.1:1");

	@Test
	void startWhenRedisWithoutSessionKeysThenFailsNamingTheVariable() {
		this.runner.run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("SESSION_ENCRYPTION_KEYS")
			.hasMessageContaining("REDIS_URL"));
	}

	@Test
	void startWhenSessionKeyIsNot256BitsThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("porter.session.encryption-keys=" + TestSessionKeys.newKey() + ",c2hvcnQ=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("SESSION_ENCRYPTION_KEYS: key 2 has 5 bytes"));
	}

	@Test
	void startWhenRedisAndSessionKeysThenSessionsInRedis() {
		this.runner.withPropertyValues("porter.session.encryption-keys=" + TestSessionKeys.newKey())
			.run((context) -> assertThat(context).hasSingleBean(EncryptedRedisSessionRepository.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SessionProperties.class)
	static class UnconnectedRedis {

		/** Never started: these tests need no Redis. */
		@Bean
		ReactiveRedisConnectionFactory redisConnectionFactory() {
			return new LettuceConnectionFactory();
		}

		@Bean(destroyMethod = "shutdown")
		ClientResources clientResources() {
			return DefaultClientResources.create();
		}

		/** Trusting nothing while unconnected: every read would go to Redis. */
		@Bean
		RedisKeyTracking redisKeyTracking(ClientResources resources) {
			return new RedisKeyTracking(resources, ClientOptions.create(), RedisURI.create("redis://127.0.0.1:1"),
					Clock.systemUTC(), Duration.ofSeconds(1));
		}

	}

}
