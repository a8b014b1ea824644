package dev.porter.profile.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.lettuce.core.AclCategory;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.porter.profile.ProfileServiceApplication;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.FreePorts;
import dev.porter.testsupport.RedisServer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * profile-service against a Redis that may evict its keys: the Management API budget the
 * instances share is one key with a time to live, which a full Redis under
 * {@code volatile-lru} (the default of several managed Redis services) silently drops.
 * Nothing told the operator. The service still starts: only a line says it.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisEvictionPolicyTests {

	private static final Duration PATIENCE = Duration.ofSeconds(15);

	/** The check's own logger, at debug: it says so once it found nothing to warn of. */
	private static final String CHECK_AT_DEBUG = "--logging.level.dev.porter.common.RedisEvictionPolicyCheck=debug";

	private RedisServer redis;

	private ConfigurableApplicationContext service;

	@BeforeEach
	void startRedis() throws Exception {
		this.redis = RedisServer.start();
	}

	@AfterEach
	void stop() {
		if (this.service != null) {
			this.service.close();
		}
		this.redis.close();
	}

	@Test
	void startWhenRedisEvictsKeysWithATimeToLiveThenOneWarningNamingThePolicy(CapturedOutput output) {
		admin((commands) -> commands.configSet("maxmemory", "100mb"));
		admin((commands) -> commands.configSet("maxmemory-policy", "volatile-lru"));

		this.service = start(this.redis.url());

		Eventually.await("the warning", PATIENCE, () -> policyLines(output, " WARN ").findAny().isPresent());
		assertThat(policyLines(output, " WARN ")).singleElement(STRING)
			.contains("maxmemory-policy is volatile-lru", "Management API budget", "noeviction", "Redis settings");
	}

	@Test
	void startWhenRedisEvictsNothingThenNoWarning(CapturedOutput output) {
		admin((commands) -> commands.configSet("maxmemory", "100mb"));
		admin((commands) -> commands.configSet("maxmemory-policy", "noeviction"));

		this.service = start(this.redis.url(), CHECK_AT_DEBUG);

		Eventually.await("the policy checked", PATIENCE,
				() -> output.getOut().contains("maxmemory-policy is noeviction"));
		assertThat(policyLines(output, " WARN ")).isEmpty();
	}

	/**
	 * A Redis user as README's ACL gives it: the keys and channels profile-service uses,
	 * every command but {@code @dangerous}, where {@code INFO} is. The invalidation
	 * channel works, and one line says that the policy went unchecked.
	 */
	@Test
	void startWhenTheRedisUserMayNotSendInfoThenOneLineSaysThePolicyCouldNotBeChecked(CapturedOutput output) {
		admin((commands) -> commands.configSet("maxmemory", "100mb"));
		admin((commands) -> commands.configSet("maxmemory-policy", "volatile-lru"));
		admin((commands) -> commands.aclSetuser("porter",
				AclSetuserArgs.Builder.on()
					.addPassword("porter-password")
					.keyPattern("porter:*")
					.channelPattern("porter:profile:*")
					.allCommands()
					.removeCategory(AclCategory.DANGEROUS)));

		this.service = start("redis://porter:porter-password@127.0.0.1:" + this.redis.port());

		Eventually.await("the policy found unchecked", PATIENCE,
				() -> policyLines(output, " INFO ").findAny().isPresent());
		MeterRegistry meters = this.service.getBean(MeterRegistry.class);
		Eventually.await("its own heartbeat heard on the channel", PATIENCE, () -> heartbeats(meters) >= 1);
		assertThat(policyLines(output, " INFO ")).singleElement(STRING)
			.contains("could not be checked", "NOPERM", "noeviction");
		assertThat(policyLines(output, " WARN ")).isEmpty();
		assertThat(output.getOut()).doesNotContain("channel unavailable");
	}

	private static double heartbeats(MeterRegistry meters) {
		Counter counter = meters.find("profile.cache.invalidations").tag("outcome", "heartbeat").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static Stream<String> policyLines(CapturedOutput output, String level) {
		return output.getOut().lines().filter((line) -> line.contains(level) && line.contains("maxmemory-policy"));
	}

	private static ConfigurableApplicationContext start(String redisUrl, String... settings) {
		// the IdP's port closed: nothing here needs it
		String issuer = "http://localhost:" + FreePorts.next() + "/";
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
				"--spring.main.banner-mode=off", "--porter.redis.url=" + redisUrl, "--porter.oidc.issuer-uri=" + issuer,
				"--porter.directory.auth0.client-id=porter-profile",
				"--porter.directory.auth0.client-secret=test-only-secret"));
		arguments.addAll(List.of(settings));
		return new SpringApplication(ProfileServiceApplication.class, OwnReactorResources.class)
			.run(arguments.toArray(String[]::new));
	}

	/** Commands as the default user, as an operator would give them. */
	private void admin(Consumer<RedisCommands<String, String>> commands) {
		RedisClient client = RedisClient.create(this.redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			commands.accept(connection.sync());
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * Event loops of the service's own, so that closing it does not dispose Reactor's
	 * global ones, which the other test classes' shared application uses.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OwnReactorResources {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			return factory;
		}

	}

}
