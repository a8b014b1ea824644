package dev.porter.gateway.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.porter.common.Causes;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.Readiness;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * The gateway against a Redis that may evict its keys: every key it writes has a time to
 * live, so under {@code volatile-lru} (the default of several managed Redis services) a
 * full Redis silently drops back-channel logout registrations and refresh locks. Nothing
 * told the operator. The gateway still starts and gets ready: only a warning says it.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisEvictionPolicyTests {

	private static final Duration PATIENCE = Duration.ofSeconds(15);

	/** The check's own logger, at debug: it says so once it found nothing to warn of. */
	private static final String CHECK_AT_DEBUG = "--logging.level.dev.porter.common.RedisEvictionPolicyCheck=debug";

	private RedisServer redis;

	private ConfigurableApplicationContext gateway;

	/** Runs a script that keeps Redis busy, when a test asks. */
	private RedisClient scriptClient;

	@BeforeEach
	void startRedis() throws Exception {
		this.redis = RedisServer.start();
		this.scriptClient = RedisClient.create(this.redis.url());
	}

	@AfterEach
	void stop() {
		if (this.gateway != null) {
			this.gateway.close();
		}
		this.scriptClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		this.redis.close();
	}

	@Test
	void startWhenRedisEvictsKeysWithATimeToLiveThenOneWarningNamingThePolicy(CapturedOutput output) throws Exception {
		config("maxmemory", "100mb");
		config("maxmemory-policy", "volatile-lru");

		this.gateway = GatewayInstances.startOnRedis(this.redis.url());

		Eventually.await("the warning", PATIENCE, () -> policyLines(output, " WARN ").findAny().isPresent());
		// every connection is open by now, and each had its chance to ask
		assertThat(Readiness.readyWithin(client(), PATIENCE)).as("ready all the same").isTrue();
		assertThat(policyLines(output, " WARN ")).singleElement(STRING)
			.contains("maxmemory-policy is volatile-lru", "logout", "noeviction", "Redis settings");
	}

	@Test
	void startWhenRedisEvictsNothingThenNoWarning(CapturedOutput output) throws Exception {
		config("maxmemory", "100mb");
		config("maxmemory-policy", "noeviction");

		this.gateway = GatewayInstances.startOnRedis(this.redis.url(), CHECK_AT_DEBUG);

		Eventually.await("the policy checked", PATIENCE,
				() -> output.getOut().contains("maxmemory-policy is noeviction"));
		assertThat(Readiness.readyWithin(client(), PATIENCE)).isTrue();
		assertThat(policyLines(output, " WARN ")).isEmpty();
	}

	/**
	 * A Redis user as README's ACL gives it, without {@code @dangerous}, where
	 * {@code INFO} is: the gateway serves, and says once that the policy went unchecked.
	 */
	@Test
	void startWhenTheRedisUserMayNotSendInfoThenOneLineSaysThePolicyCouldNotBeChecked(CapturedOutput output)
			throws Exception {
		config("maxmemory", "100mb");
		config("maxmemory-policy", "volatile-lru");
		acl("SETUSER", "default", "resetkeys", "~porter:*", "resetchannels", "+@all", "-@dangerous");

		this.gateway = GatewayInstances.startOnRedis(this.redis.url());

		Eventually.await("the policy found unchecked", PATIENCE,
				() -> policyLines(output, " INFO ").findAny().isPresent());
		assertThat(Readiness.readyWithin(client(), PATIENCE)).isTrue();
		assertThat(policyLines(output, " INFO ")).singleElement(STRING)
			.contains("could not be checked", "NOPERM", "noeviction");
		assertThat(policyLines(output, " WARN ")).isEmpty();
	}

	/**
	 * A Redis busy with a long script as the gateway starts: its connections open
	 * ({@code HELLO} is answered even then), and the question of its policy gets
	 * {@code BUSY}, which says nothing of it. Once Redis serves again, the gateway asks
	 * again, and warns of a policy set meanwhile; before, no connection that had opened
	 * ever asked again, and an operator whose Redis evicts keys was never told.
	 */
	@Test
	void startWhileRedisIsBusyThenTheWarningOnceRedisAnswersAgain(CapturedOutput output) throws Exception {
		config("busy-reply-threshold", "100");
		StatefulRedisConnection<String, String> scripting = this.scriptClient.connect();
		// Blocks Redis, and so this connection, until killed.
		scripting.async().eval("while true do end", ScriptOutputType.STATUS);
		Eventually.await("Redis answering BUSY", PATIENCE, this::busy);

		this.gateway = GatewayInstances.startOnRedis(this.redis.url());
		for (EventLoop loop : serverLoops()) {
			// Open, and any question asked on it before answered BUSY too.
			Eventually.await("BUSY answered on the connection of " + loop, PATIENCE,
					() -> answeredBusyOnItsOwnConnection(loop));
		}
		RedisAdmin.call(this.redis.url(), (commands) -> commands.scriptKill());
		config("maxmemory", "100mb");
		config("maxmemory-policy", "allkeys-lru");

		Eventually.await("the warning", PATIENCE, () -> policyLines(output, " WARN ").findAny().isPresent());
		assertThat(policyLines(output, " WARN ")).singleElement(STRING).contains("maxmemory-policy is allkeys-lru");
	}

	private boolean busy() {
		try {
			RedisAdmin.call(this.redis.url(), (commands) -> commands.ping());
			return false;
		}
		catch (RedisBusyException ex) {
			return true;
		}
	}

	/**
	 * Whether a command issued on {@code loop}, as a request served there would, is
	 * answered {@code BUSY} on that loop: over the loop's own connection, which is open.
	 */
	private boolean answeredBusyOnItsOwnConnection(EventLoop loop) {
		ReactiveStringRedisTemplate template = this.gateway.getBean(ReactiveStringRedisTemplate.class);
		CompletableFuture<Boolean> busyHere = new CompletableFuture<>();
		loop.execute(() -> template.opsForValue()
			.get("porter:busy")
			.subscribe(null,
					(failure) -> busyHere.complete(
							loop.inEventLoop() && Causes.of(failure).anyMatch(RedisBusyException.class::isInstance)),
					() -> busyHere.complete(false)));
		return busyHere.orTimeout(PATIENCE.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	private List<EventLoop> serverLoops() {
		List<EventLoop> loops = new ArrayList<>();
		this.gateway.getBean(ReactorResourceFactory.class)
			.getLoopResources()
			.onServer(LoopResources.DEFAULT_NATIVE)
			.forEach((executor) -> loops.add((EventLoop) executor));
		return loops;
	}

	private static Stream<String> policyLines(CapturedOutput output, String level) {
		return output.getOut().lines().filter((line) -> line.contains(level) && line.contains("maxmemory-policy"));
	}

	private void config(String parameter, String value) {
		RedisAdmin.call(this.redis.url(), (commands) -> commands.configSet(parameter, value));
	}

	private void acl(String... arguments) {
		RedisAdmin.call(this.redis.url(), (commands) -> commands.dispatch(CommandType.ACL,
				new StatusOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).addValues(arguments)));
	}

	private WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) this.gateway).getWebServer().getPort());
	}

}
