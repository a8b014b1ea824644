package dev.porter.gateway.redis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.PrimaryEndpoint;
import dev.porter.testsupport.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failover that leaves the old primary running as a replica: through a primary endpoint
 * that then names the new primary (a managed Redis's DNS name), or in place (a manual
 * {@code REPLICAOF}). The gateway's connections stay open to the old node, which still
 * answers reads and PINGs but refuses every write with {@code READONLY}: the gateway must
 * let go of them, and say it is not ready while it cannot.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisFailoverTests {

	/** Well above REDIS_TIMEOUT (500 ms) and the reconnect backoff's cap (1 s). */
	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private RedisServer first;

	private RedisServer second;

	private PrimaryEndpoint endpoint;

	private ConfigurableApplicationContext gateway;

	@BeforeEach
	void start() throws Exception {
		this.first = RedisServer.start();
		this.second = RedisServer.start();
		for (RedisServer server : new RedisServer[] { this.first, this.second }) {
			RedisAdmin.call(server.url(), (commands) -> {
				// a replica loads its primary's data without writing it to the working
				// directory, which every server shares; a primary sends it at once
				commands.configSet("repl-diskless-load", "swapdb");
				return commands.configSet("repl-diskless-sync-delay", "0");
			});
		}
		this.endpoint = PrimaryEndpoint.to(this.first.port());
		this.gateway = GatewayInstances.startOnRedis(this.endpoint.url());
		Eventually.await("ready on the first primary", PATIENCE, () -> readyz() == 200);
	}

	@AfterEach
	void stop() {
		if (this.gateway != null) {
			this.gateway.close();
		}
		this.endpoint.close();
		this.first.close();
		this.second.close();
	}

	// The connections stayed with the demoted node for as long as the gateway ran: every
	// login, logout and refresh answered 503 until a restart.
	@Test
	void writeWhenThePrimaryEndpointFailedOverThenTheGatewayReconnectsToTheNewPrimary(CapturedOutput output) {
		Browser alice = new Browser(client()).login("auth0|alice", 3600);

		failOver();
		this.endpoint.pointTo(this.second.port());

		// No readiness probe here: the writes' own READONLY answers must be enough.
		Eventually.await("a login stored on the new primary", PATIENCE, () -> logsIn("auth0|bob"));
		alice.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		assertThat(output.getOut()).contains("is a replica")
			.contains("READONLY")
			.doesNotContain("point REDIS_URL at the primary");
	}

	// Replicas answer PING too: the instance said it was ready, and took traffic it could
	// only answer with 503s.
	@Test
	void readinessWhenConnectedToAReplicaThenNotReadyUntilItIsThePrimaryAgain() {
		RedisAdmin.call(this.first.url(), (commands) -> commands.replicaof("127.0.0.1", this.second.port()));

		Eventually.await("/readyz 503", PATIENCE, () -> readyz() == 503);
		client().get().uri("/livez").exchange().expectStatus().isOk();

		RedisAdmin.call(this.first.url(), (commands) -> commands.replicaofNoOne());
		Eventually.await("/readyz 200", PATIENCE, () -> readyz() == 200);
		new Browser(client()).login("auth0|alice", 3600);
	}

	// The callback's session write met READONLY: an error response (500) from the commit
	// of the failed login's answer, where any other store failure is a failed login.
	@Test
	void callbackWhenConnectedToAReplicaThenAFailedLoginNotAnError() {
		Browser bob = new Browser(client());
		URI landing = bob.attemptLogin("auth0|bob", "sid-bob", 3600, () -> {
			RedisAdmin.call(this.first.url(), (commands) -> commands.replicaof("127.0.0.1", this.second.port()));
			Eventually.await("/readyz 503", PATIENCE, () -> readyz() == 503);
		});

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		RedisAdmin.call(this.first.url(), (commands) -> commands.replicaofNoOne());
		Eventually.await("/readyz 200", PATIENCE, () -> readyz() == 200);
		bob.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	// An instance that is not ready gets no traffic, so no write of its own would ever
	// meet the READONLY that moves its connections: its readiness check must.
	@Test
	void readinessWhenThePrimaryEndpointFailedOverThenReadyAgainWithoutAnyWrite() {
		failOver();
		this.endpoint.pointTo(this.second.port());

		// A check stands for a second (RedisHealthIndicator): the one before the failover
		// may still answer.
		Eventually.await("/readyz 503 on the demoted primary", PATIENCE, () -> readyz() == 503);
		Eventually.await("/readyz 200 on the new primary", PATIENCE, () -> readyz() == 200);
		new Browser(client()).login("auth0|alice", 3600);
	}

	/**
	 * The second server takes over with the first's data, as a replica promoted by a
	 * failover does; the first goes on as its replica.
	 */
	private void failOver() {
		RedisAdmin.call(this.second.url(), (commands) -> commands.replicaof("127.0.0.1", this.first.port()));
		Eventually.await("the second server in sync with the first", PATIENCE,
				() -> RedisAdmin.call(this.second.url(), (commands) -> commands.info("replication"))
					.contains("master_link_status:up"));
		RedisAdmin.call(this.second.url(), (commands) -> commands.replicaofNoOne());
		RedisAdmin.call(this.first.url(), (commands) -> commands.replicaof("127.0.0.1", this.second.port()));
	}

	/**
	 * Whether a new browser's login as {@code sub} lands where it asked to: it stores a
	 * session, a write that a replica refuses.
	 */
	private boolean logsIn(String sub) {
		EntityExchangeResult<byte[]> start = client().get()
			.uri("/bff/login?returnTo=/ok/path")
			.exchange()
			.expectBody()
			.returnResult();
		if (start.getStatus().value() != 302) {
			return false;
		}
		MultiValueMap<String, String> authorize = UriComponentsBuilder.fromUri(start.getResponseHeaders().getLocation())
			.build()
			.getQueryParams();
		TestIdp.instance().stubCodeExchange(authorize.getFirst("nonce"), sub, "sid-" + sub, 3600);
		WebTestClient.RequestHeadersSpec<?> callback = client().get()
			.uri("/login/oauth2/code/auth0?code=test-code&state={state}",
					URLDecoder.decode(authorize.getFirst("state"), StandardCharsets.UTF_8));
		for (ResponseCookie cookie : start.getResponseCookies().toSingleValueMap().values()) {
			callback = callback.cookie(cookie.getName(), cookie.getValue());
		}
		URI landing = callback.exchange().returnResult(Void.class).getResponseHeaders().getLocation();
		return URI.create("/ok/path").equals(landing);
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
