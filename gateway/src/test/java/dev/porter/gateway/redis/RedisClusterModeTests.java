package dev.porter.gateway.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;

import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code REDIS_URL} naming a node of a Redis Cluster (the configuration endpoint of a
 * managed Redis with cluster mode enabled): the node answers PINGs, so the gateway said
 * it was ready, while the commands of its requests met {@code MOVED} and
 * {@code CROSSSLOT}. Here a one-node cluster that serves every slot, the kindest case:
 * only commands whose keys hash to different slots fail, and the gateway is still not
 * ready, saying why.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisClusterModeTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private static Path configDir;

	private static RedisServer redis;

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void startInstance() throws Exception {
		configDir = Files.createTempDirectory("porter-redis-cluster-");
		// The cluster bus would otherwise take the port 10000 above Redis's own, which
		// nothing checked was free (in the kernel's ephemeral range, half the time).
		redis = RedisServer.startWith("--cluster-enabled", "yes", "--cluster-port",
				String.valueOf(RedisServer.freePort()), "--cluster-config-file",
				configDir.resolve("nodes.conf").toString());
		RedisAdmin.call(redis.url(), (commands) -> commands.clusterAddSlots(IntStream.range(0, 16384).toArray()));
		Eventually.await("the one-node cluster serving every slot", PATIENCE,
				() -> RedisAdmin.call(redis.url(), (commands) -> commands.clusterInfo()).contains("cluster_state:ok"));
		gateway = GatewayInstances.startOnRedis(redis.url());
	}

	@AfterAll
	static void stopInstance() throws Exception {
		if (gateway != null) {
			gateway.close();
		}
		if (redis != null) {
			redis.close();
		}
		if (configDir != null) {
			Files.deleteIfExists(configDir.resolve("nodes.conf"));
			Files.deleteIfExists(configDir);
		}
	}

	@Test
	void readyzWhenRedisUrlNamesAClusterNodeThenNotReadyNamingClusterMode(CapturedOutput output) {
		// Not ready from the start, while the connections open: what tells this apart is
		// the reason the management port's health names.
		Eventually.await("the Redis check failing for the node's mode", PATIENCE,
				() -> redisHealth().contains(UnusableRedisModeException.class.getName()));

		assertThat(status(client(), "/readyz")).isEqualTo(503);
		assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN ")))
			.anySatisfy((line) -> assertThat(line).contains("cluster mode", "REDIS_URL", "cluster mode disabled"));
	}

	private static String redisHealth() {
		String body = management().get()
			.uri("/actuator/health/redis")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return (body != null) ? body : "";
	}

	private static int status(WebTestClient client, String path) {
		return client.get().uri(path).exchange().returnResult(Void.class).getStatus().value();
	}

	private static WebTestClient client() {
		return TestClients.gateway(((WebServerApplicationContext) gateway).getWebServer().getPort());
	}

	private static WebTestClient management() {
		String port = gateway.getEnvironment().getRequiredProperty("local.management.port");
		return TestClients.gateway(Integer.parseInt(port));
	}

}
