package dev.porter.gateway.redis;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis that answers every command with an error of its state while still answering
 * {@code HELLO}: {@code BUSY} running a long script (as {@code LOADING} its data set
 * after a restart is). Every request that needs Redis answers 503 then, so readiness must
 * say {@code DOWN}, and {@code UP} again once Redis serves. Time is the gateway's
 * {@link MovableClock}: a readiness check stands for a second.
 */
class RedisReadinessWhileBusyTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	/** How long a readiness check stands (RedisHealthIndicator). */
	private static final Duration CHECK_STANDS_FOR = Duration.ofSeconds(1);

	private final MovableClock clock = new MovableClock(Instant.now());

	private RedisServer redis;

	private ConfigurableApplicationContext gateway;

	private RedisClient scriptClient;

	@BeforeEach
	void start() throws Exception {
		this.redis = RedisServer.start();
		this.gateway = GatewayInstances.startOnRedis(this.clock, this.redis.url());
		Eventually.await("ready", PATIENCE, () -> {
			this.clock.advance(CHECK_STANDS_FOR);
			return readyz() == 200;
		});
		this.scriptClient = RedisClient.create(this.redis.url());
	}

	@AfterEach
	void stop() {
		if (this.gateway != null) {
			this.gateway.close();
		}
		if (this.scriptClient != null) {
			this.scriptClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void readyzWhileRedisRunsALongScriptThenDownAndUpOnceItIsKilled() {
		RedisAdmin.call(this.redis.url(), (commands) -> commands.configSet("busy-reply-threshold", "100"));
		StatefulRedisConnection<String, String> scripting = this.scriptClient.connect();
		// Blocks Redis, and so this connection, until killed.
		scripting.async().eval("while true do end", ScriptOutputType.STATUS);
		Eventually.await("Redis answering BUSY", PATIENCE, this::busy);

		this.clock.advance(CHECK_STANDS_FOR);
		assertThat(readyz()).as("/readyz while Redis answers BUSY").isEqualTo(503);

		RedisAdmin.call(this.redis.url(), (commands) -> commands.scriptKill());
		Eventually.await("/readyz 200 once the script is killed", PATIENCE, () -> {
			this.clock.advance(CHECK_STANDS_FOR);
			return readyz() == 200;
		});
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

	private int readyz() {
		return client().get().uri("/readyz").exchange().returnResult(Void.class).getStatus().value();
	}

	private WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) this.gateway).getWebServer().getPort())
			.mutate()
			.responseTimeout(PATIENCE)
			.build();
	}

}
