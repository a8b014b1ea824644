package dev.porter.gateway.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.porter.gateway.redis.RedisKeyTracking;
import dev.porter.gateway.support.TestSessionKeys;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;
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

	// A user who points compose at a real tenant and forgets SESSION_ENCRYPTION_KEYS
	// would
	// seal every refresh token with a key the repository prints.
	@Test
	void startWhenComposeDevelopmentKeyAndIssuerBeyondLoopbackThenFailsNamingTheVariable() {
		this.runner
			.withPropertyValues("porter.session.encryption-keys=" + composeDevelopmentKey(),
					"porter.oidc.issuer-uri=https://tenant.eu.auth0.com/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("SESSION_ENCRYPTION_KEYS")
				.hasMessageContaining("public"));
	}

	@Test
	void startWhenComposeDevelopmentKeyIsAnOlderKeyAndIssuerBeyondLoopbackThenFails() {
		this.runner
			.withPropertyValues(
					"porter.session.encryption-keys=" + TestSessionKeys.newKey() + ", " + composeDevelopmentKey(),
					"porter.oidc.issuer-uri=https://tenant.eu.auth0.com/")
			.run((context) -> assertThat(context).hasFailed());
	}

	// The key ring decodes with padding optional: the same key without its '=' is the
	// same
	// key. A host named 127.something is a name, not the loopback address.
	@ParameterizedTest
	@CsvSource({ "unpadded, https://tenant.eu.auth0.com/", "as-is, https://127.eu.example.com/" })
	void startWhenComposeDevelopmentKeyInDisguiseAndIssuerBeyondLoopbackThenFails(String form, String issuer) {
		String key = form.equals("unpadded") ? composeDevelopmentKey().replace("=", "") : composeDevelopmentKey();
		this.runner.withPropertyValues("porter.session.encryption-keys=" + key, "porter.oidc.issuer-uri=" + issuer)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("SESSION_ENCRYPTION_KEYS"));
	}

	@Test
	void startWhenComposeDevelopmentKeyAndIssuerOnLoopbackThenSessionsInRedis() {
		this.runner
			.withPropertyValues("porter.session.encryption-keys=" + composeDevelopmentKey(),
					"porter.oidc.issuer-uri=http://localhost:9000/")
			.run((context) -> assertThat(context).hasSingleBean(EncryptedRedisSessionRepository.class));
	}

	@Test
	void startWhenRedisAndSessionKeysThenSessionsInRedis() {
		this.runner.withPropertyValues("porter.session.encryption-keys=" + TestSessionKeys.newKey())
			.run((context) -> assertThat(context).hasSingleBean(EncryptedRedisSessionRepository.class));
	}

	/** The default docker-compose.yml gives the gateway, read from the file itself. */
	private static String composeDevelopmentKey() {
		try {
			String compose = Files.readString(Path.of("..", "docker-compose.yml"));
			Matcher key = Pattern.compile("SESSION_ENCRYPTION_KEYS: \\$\\{SESSION_ENCRYPTION_KEYS-([^}]+)}")
				.matcher(compose);
			assertThat(key.find()).as("docker-compose.yml gives SESSION_ENCRYPTION_KEYS a default").isTrue();
			return key.group(1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
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

		/** SessionConfiguration's, which the Redis session manager takes. */
		@Bean
		WebSessionIdResolver webSessionIdResolver() {
			return new CookieWebSessionIdResolver();
		}

		/** Trusting nothing while unconnected: every read would go to Redis. */
		@Bean
		RedisKeyTracking redisKeyTracking(ClientResources resources) {
			return new RedisKeyTracking(resources, ClientOptions.create(), RedisURI.create("redis://127.0.0.1:1"),
					System::nanoTime, Duration.ofSeconds(1));
		}

	}

}
