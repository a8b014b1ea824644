package dev.porter.e2e.journeys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.porter.e2e.stack.Exchange;
import dev.porter.e2e.stack.RedisKeys;
import dev.porter.e2e.stack.Service;
import dev.porter.e2e.stack.SpaClient;
import dev.porter.e2e.stack.Stack;
import dev.porter.e2e.stack.StackOptions;
import dev.porter.e2e.stack.UserAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways sharing one real {@code redis-server} that stops and starts again (empty,
 * on the same port), as in an outage: while it is gone every request of a signed-in user
 * gets a quick {@code 503} problem with {@code Retry-After} and the gateways report
 * themselves not ready (but alive); when it is back both recover by themselves, old
 * cookies get a clean {@code 401} and a new login works. Logout in Redis mode answers
 * {@code 200}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayRedisOutageJourneyTests {

	/** The bound for an answer while Redis is down (REDIS_TIMEOUT is 500 ms). */
	private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

	/** The bound for recovering once Redis is back, without a restart. */
	private static final Duration RECOVER_WITHIN = Duration.ofSeconds(5);

	/**
	 * Long enough for Lettuce's default backoff (doubling up to 30 s) to have grown to
	 * several seconds between reconnects.
	 */
	private static final Duration OUTAGE = Duration.ofSeconds(8);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	@BeforeAll
	void startStack() {
		this.stack = Stack.start(StackOptions.standard().withSharedRedis(2));
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	/** Whatever a test did, the next one finds Redis running (empty after a restart). */
	@AfterEach
	void redisRunning() {
		if (!this.stack.redis().process().isAlive()) {
			this.stack.restartRedis();
		}
	}

	@Test
	void logoutWhenSessionInRedisThenOkWithRedirectAndSessionEnded() {
		SpaClient client = SpaClient.signIn(this.stack.gateway(0), "alice", "alice");

		Exchange logout = client.logout();

		assertThat(logout.status()).as(logout.body()).isEqualTo(200);
		assertThat(mapper.readTree(logout.body()).get("redirect").asString()).contains("/oidc/logout");
		Exchange session = new SpaClient(client.agent(), this.stack.gateway(1)).session();
		assertThat(mapper.readTree(session.body()).get("authenticated").asBoolean()).isFalse();
	}

	@Test
	void signInWhenFreshBrowsersThenOneSidKeyEachAndLogoutRemovesItsKey() {
		long before = sidKeys();
		List<SpaClient> browsers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			browsers.add(SpaClient.signIn(this.stack.gateway(i % 2), "alice", "alice"));
		}
		assertThat(sidKeys() - before).as("one porter:logout:sid:* key per IdP session").isEqualTo(3);

		Exchange logout = browsers.get(0).logout();

		assertThat(logout.status()).as(logout.body()).isEqualTo(200);
		assertThat(sidKeys() - before).isEqualTo(2);
	}

	@Test
	void requestsWhenRedisStoppedThenQuick503NotReadyAndRecoverOnceRedisReturns() throws InterruptedException {
		List<SpaClient> signedIn = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			signedIn.add(SpaClient.signIn(this.stack.gateway(i), "alice", "alice"));
		}

		this.stack.stop(this.stack.redis());

		for (SpaClient client : signedIn) {
			long started = System.nanoTime();
			Exchange me = client.getMe();
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			assertThat(me.status()).as(me.body()).isEqualTo(503);
			assertThat(took).as("answer time on %s", client.gateway().name()).isLessThan(ANSWER_WITHIN);
			assertThat(me.header("Content-Type")).startsWith("application/problem+json");
			assertThat(me.header("Retry-After")).isNotBlank();
			assertThat(me.body()).doesNotContain("Exception").doesNotContain("\tat ");
			Service gateway = client.gateway();
			assertThat(status(gateway, "/readyz")).as("readiness of %s", gateway.name()).isEqualTo(503);
			assertThat(status(gateway, "/livez")).as("liveness of %s", gateway.name()).isEqualTo(200);
		}

		for (SpaClient client : signedIn) {
			assertThat(notReadyThroughout(client.gateway(), System.nanoTime() + OUTAGE.toNanos() / 2))
				.as("%s not ready while Redis is down", client.gateway().name())
				.isTrue();
		}

		this.stack.restartRedis();
		long deadline = System.nanoTime() + RECOVER_WITHIN.toNanos();

		for (SpaClient client : signedIn) {
			assertThat(readyBefore(client.gateway(), deadline))
				.as("%s ready within %s of Redis returning", client.gateway().name(), RECOVER_WITHIN)
				.isTrue();
		}
		for (SpaClient client : signedIn) {
			// Redis came back empty: the old cookie names no session any more
			Exchange me = client.getMe();
			assertThat(me.status()).as(me.body()).isEqualTo(401);
			assertThat(me.header("Content-Type")).startsWith("application/problem+json");
			SpaClient again = SpaClient.signIn(client.gateway(), "alice", "alice");
			Exchange fresh = again.getMe();
			assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
		}
	}

	private long sidKeys() {
		return RedisKeys.survey(this.stack.redis(), "porter:logout:sid:").sessions();
	}

	private static int status(Service service, String path) {
		return new UserAgent().get(service.uri(path)).status();
	}

	private static boolean notReadyThroughout(Service gateway, long until) throws InterruptedException {
		while (System.nanoTime() < until) {
			if (status(gateway, "/readyz") != 503) {
				return false;
			}
			Thread.sleep(250); // probing as an orchestrator would, for the outage's
								// length
		}
		return true;
	}

	private static boolean readyBefore(Service gateway, long deadline) throws InterruptedException {
		while (System.nanoTime() < deadline) {
			if (status(gateway, "/readyz") == 200) {
				return true;
			}
			Thread.sleep(100); // polling a recovering process, bounded by the deadline
		}
		return false;
	}

}
