package dev.porter.gateway.config;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.Readiness;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway started before its Redis, as {@code docker compose up} may start them: it
 * answers what needs Redis with a 503 at once instead of waiting on its event loops for a
 * connection, and serves sessions as soon as Redis is up, without a restart. Its commands
 * run over connections opened on the server's own event loops
 * ({@code redis.EventLoopRedisConnections}); a connection opened on demand from a loop
 * would wait on the very loop that has to open it.
 */
class RedisLateStartTests {

	/** Retries of the first connection are a second apart (redis.RedisConfiguration). */
	private static final Duration PATIENCE = Duration.ofSeconds(5);

	private RedisServer redis;

	private ConfigurableApplicationContext gateway;

	@AfterEach
	void stop() {
		if (this.gateway != null) {
			this.gateway.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void requestWhenRedisNotUpYetThenServiceUnavailableAndSessionsServedOnceRedisIsUp() throws Exception {
		int port = RedisServer.freePort();
		this.gateway = GatewayInstances.startOnRedis("redis://127.0.0.1:" + port);

		client().get().uri("/readyz").exchange().expectStatus().isEqualTo(503);
		client().get()
			.uri("/bff/session")
			.cookie(Browser.SESSION_COOKIE, UUID.randomUUID().toString())
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);

		this.redis = RedisServer.startOn(port);
		assertThat(Readiness.readyWithin(client(), PATIENCE)).as("ready within %s of Redis starting", PATIENCE)
			.isTrue();
		new Browser(client()).login("auth0|alice", 3600)
			.get("/bff/session")
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true);
	}

	/**
	 * Redis's timeout is far beyond the client's {@link #PATIENCE}: an answer that comes
	 * at all did not wait on Redis.
	 */
	@Test
	void livenessWhenRequestsWaitOnARedisThatNeverAnswersThenAnsweredAtOnce() throws Exception {
		Duration redisTimeout = Duration.ofMinutes(1);
		// Takes connections (the kernel completes them) and never answers one: a Redis
		// behind a hung host or a firewall that drops its replies.
		try (ServerSocket silentRedis = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			this.gateway = GatewayInstances.startOnRedis("redis://127.0.0.1:" + silentRedis.getLocalPort(),
					"--porter.redis.timeout=" + redisTimeout.toMillis() + "ms");
			// Browsers with a session cookie each, at once, over their own connections:
			// spread over every event loop of the server.
			WebClient browsers = WebClient.create("http://localhost:" + port());
			List<Mono<Integer>> sessionReads = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				sessionReads.add(browsers.get()
					.uri("/bff/session")
					.cookie(Browser.SESSION_COOKIE, UUID.randomUUID().toString())
					.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())));
			}
			CompletableFuture<List<Integer>> statuses = Flux.merge(sessionReads).collectList().toFuture();
			silentRedis.setSoTimeout((int) PATIENCE.toMillis());
			try (Socket connecting = silentRedis.accept()) {
				// A connection to Redis is being opened now. An orchestrator's probe must
				// not wait for it, nor may the requests that need Redis.
				client().get().uri("/livez").exchange().expectStatus().isOk();
				assertThat(statuses.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).containsOnly(503);
			}
		}
	}

	private int port() {
		return ((WebServerApplicationContext) this.gateway).getWebServer().getPort();
	}

	/** Gives up long before Lettuce's default 60 s command timeout. */
	private WebTestClient client() {
		return TestClients.gateway(port()).mutate().responseTimeout(PATIENCE).build();
	}

}
