package dev.porter.gateway.support;

import dev.porter.testsupport.ShiftableClock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * Two gateway instances sharing one real {@code redis-server} and relaying to one stubbed
 * profile-service, both signed in against the {@link TestIdp}: what every test of
 * sessions shared across instances starts with. Closing it stops all four.
 */
public final class TwoGatewaysOnRedis implements AutoCloseable {

	private final RedisServer redis;

	private final WireMockServer profile;

	private final ShiftableClock clock = new ShiftableClock();

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	private TwoGatewaysOnRedis(RedisServer redis, WireMockServer profile) {
		this.redis = redis;
		this.profile = profile;
	}

	/** Starts Redis, the profile-service stub and both gateways, in that order. */
	public static TwoGatewaysOnRedis start() throws Exception {
		WireMockServer profile = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
		TwoGatewaysOnRedis instances = new TwoGatewaysOnRedis(RedisServer.start(), profile);
		try {
			profile.start();
			instances.first = instances.startGateway();
			instances.second = instances.startGateway();
			return instances;
		}
		catch (RuntimeException ex) {
			instances.close();
			throw ex;
		}
	}

	private ConfigurableApplicationContext startGateway() {
		// Command-line arguments outrank application.yml, as environment variables would.
		// Every test logs in from 127.0.0.1, and the instances serve a whole run
		// (SharedTwoGatewaysOnRedis): a login budget per address that the run never
		// meets.
		return GatewayInstances.startOnTestIdp(this.clock, "--porter.redis.url=" + this.redis.url(),
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED, "--porter.login.rate-limit=100000",
				"--porter.relay.profile-service-uri=http://localhost:" + this.profile.port());
	}

	public RedisServer redis() {
		return this.redis;
	}

	public WireMockServer profile() {
		return this.profile;
	}

	/**
	 * What an operator's {@code redis-cli} does on the shared Redis (an ACL change, a
	 * {@code CLIENT PAUSE}), answered {@code OK}: commands a test's own connections must
	 * not send, as the instances would see them.
	 */
	public void redisCli(String... command) throws IOException, InterruptedException {
		String[] line = new String[command.length + 3];
		line[0] = "/usr/bin/redis-cli";
		line[1] = "-p";
		line[2] = Integer.toString(URI.create(this.redis.url()).getPort());
		System.arraycopy(command, 0, line, 3, command.length);
		Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
		if (!process.waitFor(10, TimeUnit.SECONDS) || !out.equals("OK")) {
			throw new IllegalStateException("redis-cli " + String.join(" ", command) + " answered " + out);
		}
	}

	/**
	 * Both instances' clock: the system's, unless a test shifts it (and resets it after).
	 */
	public ShiftableClock clock() {
		return this.clock;
	}

	public ConfigurableApplicationContext first() {
		return this.first;
	}

	public ConfigurableApplicationContext second() {
		return this.second;
	}

	/**
	 * Waits until {@code read} (a request of one session to one instance) is answered
	 * without a {@code GET} to Redis: the instance keeps the session in its near cache
	 * and trusts it. The login's own writes are announced a moment after they are made,
	 * so a read straight after it may not be kept yet.
	 */
	public void awaitKept(String what, Runnable read) {
		Eventually.await(what, Duration.ofSeconds(5), () -> {
			long gets = redisGets();
			read.run();
			return redisGets() == gets;
		});
	}

	/** The GETs Redis has served: session reads an instance did not answer itself. */
	public long redisGets() {
		String stats = RedisAdmin.call(this.redis.url(), (commands) -> commands.info("commandstats"));
		return Long.parseLong(stats.replaceFirst("(?s).*cmdstat_get:calls=(\\d+),.*", "$1"));
	}

	/** The public port an instance listens on. */
	public static int port(ConfigurableApplicationContext instance) {
		return ((WebServerApplicationContext) instance).getWebServer().getPort();
	}

	@Override
	public void close() {
		if (this.first != null) {
			this.first.close();
		}
		if (this.second != null) {
			this.second.close();
		}
		this.profile.stop();
		this.redis.close();
	}

}
