package dev.porter.gateway.support;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.porter.gateway.GatewayApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Gateway instances a test starts and stops itself (restarts, several instances). Each
 * gets Netty resources of its own: with Reactor Netty's global ones (Boot's default),
 * closing an instance disposes the event loops and connection pools that the suite's
 * cached application context still relays through.
 */
public final class GatewayInstances {

	private GatewayInstances() {
	}

	/**
	 * Starts one on free ports, signing in at {@link TestIdp} as its client; {@code args}
	 * add the rest (Redis, keys, the relay's upstream).
	 */
	public static ConfigurableApplicationContext startOnTestIdp(String... args) {
		return start(onTestIdp(args));
	}

	/**
	 * Starts one as {@link #startOnTestIdp} does, its sessions in the Redis at
	 * {@code redisUrl} under the suite's shared keys, and nothing where profile-service
	 * would be (port 9): for the tests of Redis failing. {@code args} add the rest.
	 */
	public static ConfigurableApplicationContext startOnRedis(String redisUrl, String... args) {
		return startOnTestIdp(concat(onRedis(redisUrl), args));
	}

	private static String[] onRedis(String redisUrl) {
		return new String[] { "--porter.redis.url=" + redisUrl,
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED,
				"--porter.relay.profile-service-uri=http://localhost:9" };
	}

	/**
	 * Starts one as {@link #startOnRedis(String, String...)} does, reading time from
	 * {@code clock}.
	 */
	public static ConfigurableApplicationContext startOnRedis(Clock clock, String redisUrl, String... args) {
		return startOnTestIdp(clock, concat(onRedis(redisUrl), args));
	}

	/** Starts one; {@code args} as on the command line (they outrank application.yml). */
	public static ConfigurableApplicationContext start(String... args) {
		return new SpringApplicationBuilder(GatewayApplication.class, OwnNettyResources.class).run(args);
	}

	/**
	 * Starts one as {@link #startOnTestIdp} does, reading time from {@code clock} (every
	 * part of the gateway takes the context's {@link Clock} when there is one).
	 */
	public static ConfigurableApplicationContext startOnTestIdp(Clock clock, String... args) {
		return new SpringApplicationBuilder(GatewayApplication.class, OwnNettyResources.class)
			.initializers((context) -> context.getBeanFactory().registerSingleton("gatewayClock", clock))
			.run(onTestIdp(args));
	}

	/**
	 * Starts one as {@link #startOnTestIdp(String...)} does, with the test's own
	 * {@code configurations} (stand-ins that hold or fail a step, beans that watch the
	 * shutdown).
	 */
	public static ConfigurableApplicationContext startOnTestIdp(Class<?>[] configurations, String... args) {
		List<Class<?>> sources = new ArrayList<>(List.of(GatewayApplication.class, OwnNettyResources.class));
		sources.addAll(List.of(configurations));
		return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(onTestIdp(args));
	}

	private static String[] onTestIdp(String[] args) {
		String[] common = { "--server.port=0", "--management.server.port=0",
				"--porter.oidc.issuer-uri=" + TestIdp.instance().issuer(),
				"--porter.oidc.client-id=" + TestIdp.CLIENT_ID,
				"--porter.oidc.client-secret=" + TestIdp.CLIENT_SECRET };
		return concat(common, args);
	}

	private static String[] concat(String[] first, String[] then) {
		String[] all = Arrays.copyOf(first, first.length + then.length);
		System.arraycopy(then, 0, all, first.length, then.length);
		return all;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnNettyResources {

		@Bean
		ReactorResourceFactory ownReactorResourceFactory() {
			ReactorResourceFactory resources = new ReactorResourceFactory();
			resources.setUseGlobalResources(false);
			return resources;
		}

	}

}
