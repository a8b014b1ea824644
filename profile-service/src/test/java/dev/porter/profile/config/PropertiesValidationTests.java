package dev.porter.profile.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.porter.profile.cache.CacheProperties;
import dev.porter.profile.me.ApiProperties;
import dev.porter.profile.testsupport.FailureMessages;
import dev.porter.profile.directory.auth0.Auth0ManagementProperties;
import dev.porter.profile.oidc.OidcProperties;

import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/** A missing or malformed setting stops start-up with a message naming the variable. */
class PropertiesValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class)
		.withPropertyValues("porter.oidc.issuer-uri=http://localhost:9000/",
				"porter.oidc.audience=https://porter.example/api",
				"porter.directory.auth0.base-uri=http://localhost:9000/api/v2/",
				"porter.directory.auth0.client-id=porter-profile",
				"porter.directory.auth0.client-secret=test-only-secret", "porter.redis.timeout=500ms");

	@Test
	void startWhenSettingsCompleteThenDerivesTokenUriAndAudienceFromManagementOrigin() {
		this.runner.run((context) -> {
			Auth0ManagementProperties directory = context.getBean(Auth0ManagementProperties.class);
			assertThat(directory.resolvedTokenUri("http://localhost:9000/"))
				.hasToString("http://localhost:9000/oauth/token");
			assertThat(directory.resolvedAudience("http://localhost:9000/")).isEqualTo("http://localhost:9000/api/v2/");
		});
	}

	@Test
	void startWhenTokenUriAndAudienceGivenThenUsedAsIs() {
		this.runner
			.withPropertyValues("porter.directory.auth0.token-uri=http://dev-idp:9000/oauth/token",
					"porter.directory.auth0.audience=https://tenant.example/api/v2/")
			.run((context) -> {
				Auth0ManagementProperties directory = context.getBean(Auth0ManagementProperties.class);
				assertThat(directory.resolvedTokenUri("http://localhost:9000/"))
					.hasToString("http://dev-idp:9000/oauth/token");
				assertThat(directory.resolvedAudience("http://localhost:9000/"))
					.isEqualTo("https://tenant.example/api/v2/");
			});
	}

	@Test
	void startWhenRedisTimeoutNotPositiveThenFailsNamingVariable() {
		this.runner.withPropertyValues("porter.redis.timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("REDIS_TIMEOUT");
		});
	}

	@Test
	void startWhenRedisUrlNotRedisSchemeThenFailsNamingVariable() {
		this.runner.withPropertyValues("porter.redis.url=localhost:6379").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("REDIS_URL");
		});
	}

	// Lettuce's parse errors quote the URL, password included; openssl rand -base64
	// passwords hold a / or + half the time, and the failure went to the start-up log.
	@ParameterizedTest
	@ValueSource(strings = { "redis://:pw/Zq9+e=@redis.internal:6379", "rediss://:pw%zzZq9@redis.internal:6380",
			"redis://:pw^Zq9@redis.internal:6379", "redis://:pw Zq9@redis.internal:6379",
			"redis://:pw#Zq9@redis.internal:6379", "redis://:pw@Zq9@redis.internal:6379",
			"rediss://:pw@Zq9@redis.internal:6380", "redis://" })
	void startWhenRedisUrlMalformedThenFailsNamingVariableWithoutThePassword(String url) {
		this.runner.withPropertyValues("porter.redis.url=" + url).run((context) -> {
			assertThat(context).hasFailed();
			String messages = FailureMessages.of(context.getStartupFailure());
			assertThat(messages).contains("REDIS_URL").doesNotContain("Zq9");
		});
	}

	@Test
	void startWhenRedisUrlHasPercentEncodedPasswordThenStarts() {
		this.runner.withPropertyValues("porter.redis.url=rediss://:ab%2Fcd%2Be%3D@redis.internal:6380")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenClientSecretMissingThenFailsNamingVariable() {
		this.runner.withPropertyValues("porter.directory.auth0.client-secret=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("AUTH0_MANAGEMENT_CLIENT_SECRET");
		});
	}

	@Test
	void startWhenClientIdMissingThenFailsNamingVariable() {
		this.runner.withPropertyValues("porter.directory.auth0.client-id=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("AUTH0_MANAGEMENT_CLIENT_ID");
		});
	}

	@Test
	void startWhenJwksUriMalformedThenFailsNamingVariable() {
		this.runner.withPropertyValues("porter.oidc.jwks-uri=not a uri").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("OIDC_JWKS_URI");
		});
	}

	@Test
	void startWhenManagementUriRelativeThenFailsNamingVariable() {
		this.runner.withPropertyValues("porter.directory.auth0.base-uri=/api/v2/").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("AUTH0_MANAGEMENT_URI");
		});
	}

	@Test
	void startWhenIssuerMissingThenFailsNamingVariable() {
		this.runner.withPropertyValues("porter.oidc.issuer-uri=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureMessages.of(context.getStartupFailure())).contains("OIDC_ISSUER_URI");
		});
	}

	// Overridable from the environment by relaxed binding, and used as Resilience4j's
	// and Caffeine's settings: a zero or negative one failed deep inside those, or (a
	// zero deadline) turned every call into a timeout, naming no setting.
	@ParameterizedTest
	@ValueSource(strings = { "porter.resilience.management.deadline=0s",
			"porter.resilience.management.attempt-timeout=-1s", "porter.resilience.userinfo.connect-timeout=0s",
			"porter.resilience.userinfo.open-for=0s", "porter.resilience.management.rate-limit-period=0s",
			"porter.resilience.management.initial-backoff=-1ms", "porter.resilience.userinfo.max-retry-wait=-1s",
			"porter.resilience.management.rate-limit-wait=-1s", "porter.api.caller-limit-period=0s" })
	void startWhenADurationIsOutOfRangeThenFailsNamingTheSetting(String setting) {
		String name = setting.substring(setting.lastIndexOf('.') + 1, setting.indexOf('='));
		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withUserConfiguration(DurationSettings.class)
			.withPropertyValues(setting)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureMessages.of(context.getStartupFailure())).contains(camelCase(name));
			});
	}

	@Test
	void startWhenTheRequestDeadlineIsNotPositiveThenFailsNamingVariable() {
		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withUserConfiguration(DurationSettings.class)
			.withPropertyValues("porter.api.request-deadline=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureMessages.of(context.getStartupFailure())).contains("PROFILE_REQUEST_DEADLINE");
			});
	}

	// Reactor Netty takes a zero idle timeout for none: connections would wait for a
	// request for ever again.
	@Test
	void startWhenTheConnectionIdleTimeoutIsNotPositiveThenFailsNamingVariable() {
		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withUserConfiguration(DurationSettings.class)
			.withPropertyValues("porter.connection.idle-timeout=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureMessages.of(context.getStartupFailure())).contains("CONNECTION_IDLE_TIMEOUT");
			});
	}

	// Shipped with 5 s upstream deadlines under a 4 s request deadline: the upstream's
	// own deadline, which keeps a user's 429 hers, never ended first, and she got 503.
	@Test
	void startWhenTheShippedDeadlinesThenTheUpstreamsEndBeforeTheRequest() {
		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withUserConfiguration(DurationSettings.class, UpstreamDeadlines.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@ParameterizedTest
	@CsvSource({ "porter.api.request-deadline=3500ms, userinfo", "porter.api.request-deadline=3s, userinfo",
			"porter.resilience.management.deadline=4s, management" })
	void startWhenAnUpstreamDeadlineIsNotShorterThanTheRequestDeadlineThenFailsNamingBoth(String setting,
			String upstream) {
		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withUserConfiguration(DurationSettings.class, UpstreamDeadlines.class)
			.withPropertyValues(setting)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureMessages.of(context.getStartupFailure()))
					.contains("porter.resilience." + upstream + ".deadline", "PROFILE_REQUEST_DEADLINE");
			});
	}

	// The pause repeats a remembered failure without asking: longer than 15 s, it would
	// hide a user's recovery longer than an open circuit does.
	@ParameterizedTest
	@ValueSource(strings = { "0s", "16s", "1m" })
	void startWhenTheFailedLoadPauseIsOutOfRangeThenFailsNamingVariable(String pause) {
		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withUserConfiguration(DurationSettings.class)
			.withPropertyValues("porter.cache.failed-load-pause=" + pause)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureMessages.of(context.getStartupFailure())).contains("PROFILE_FAILED_LOAD_PAUSE");
			});
	}

	// A record's own toString prints every component: a log line or a debugger showing
	// the settings would show Redis's password.
	@Test
	void toStringWhenTheRedisUrlHasAPasswordThenNotShown() {
		RedisProperties properties = new RedisProperties("rediss://:s3cret-pass@redis.internal:6380",
				java.time.Duration.ofMillis(500));

		assertThat(properties.toString()).doesNotContain("s3cret-pass").contains("PT0.5S", "REDIS_URL set");
	}

	private static String camelCase(String kebab) {
		StringBuilder camel = new StringBuilder();
		for (String part : kebab.split("-")) {
			camel.append(camel.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
		}
		return camel.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ OidcProperties.class, Auth0ManagementProperties.class, RedisProperties.class })
	static class Settings {

	}

	/** The settings read from application.yml, with its defaults. */
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ ResilienceProperties.class, ApiProperties.class, CacheProperties.class,
			ConnectionProperties.class })
	static class DurationSettings {

	}

}
