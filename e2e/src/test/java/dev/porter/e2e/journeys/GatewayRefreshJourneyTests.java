package dev.porter.e2e.journeys;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.porter.e2e.agents.DevIdpControls;
import dev.porter.e2e.agents.ForgedTokens;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4's token refresh through real processes: dev-idp issues access tokens that live
 * 10 s, the gateway refreshes them 5 s ahead of expiry (the least TOKEN_REFRESH_AHEAD it
 * takes, and half their lifetime), and many requests of one session share a single
 * refresh. A fresh token has 5 s before it is due again: the requests that follow a
 * refresh, even held up on a busy machine, relay it as it is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayRefreshJourneyTests {

	private static final Duration ACCESS_TOKEN_TTL = Duration.ofSeconds(10);

	private static final int PARALLEL = 50;

	private Stack stack;

	private DevIdpControls devIdp;

	@BeforeAll
	void startStack() {
		this.stack = Stack.start(StackOptions.standard()
			.withAccessTokenTtl(ACCESS_TOKEN_TTL)
			// the least the gateway takes, so that a fresh token is relayed as it is for
			// as long as possible
			.withGatewayEnv("TOKEN_REFRESH_AHEAD", "5s")
			// the budgets per user would otherwise cut the burst below short
			.withGatewayEnv("RATE_LIMIT", "1000")
			.withProfileEnv("PROFILE_CALLER_RATE_LIMIT", "1000"));
		this.devIdp = new DevIdpControls(this.stack.devIdp());
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	@Test
	void getMeWhenAccessTokenExpiredThenRefreshedOnceAndSucceeds() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		awaitExpiryOfLatestAccessToken();
		this.devIdp.resetStats();

		Exchange afterExpiry = alice.getMe();
		Exchange next = alice.getMe();

		assertThat(afterExpiry.status()).as(afterExpiry.body()).isEqualTo(200);
		assertThat(next.status()).as(next.body()).isEqualTo(200);
		assertThat(this.devIdp.refreshTokenGrants()).as("one refresh, then the fresh token is reused").isEqualTo(1);
	}

	@Test
	void getMeWhenFiftyParallelRequestsOnExpiredSessionThenOneRefreshAndAllSucceed() throws Exception {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		awaitExpiryOfLatestAccessToken();
		this.devIdp.resetStats();

		List<Exchange> responses = parallelGetMe(alice);

		assertThat(responses).hasSize(PARALLEL)
			.allSatisfy((response) -> assertThat(response.status()).as(response.body()).isEqualTo(200));
		assertThat(this.devIdp.refreshTokenGrants()).isEqualTo(1);
	}

	private List<Exchange> parallelGetMe(SpaClient client) throws InterruptedException {
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
		try {
			List<CompletableFuture<Exchange>> calls = new ArrayList<>();
			for (int i = 0; i < PARALLEL; i++) {
				calls.add(CompletableFuture.supplyAsync(() -> {
					awaitQuietly(start);
					return client.getMe();
				}, pool));
			}
			start.countDown();
			return calls.stream().map(CompletableFuture::join).toList();
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * Waits until the access token of the latest login has expired: its {@code exp} from
	 * dev-idp, a deadline no later than one TTL from now.
	 */
	private void awaitExpiryOfLatestAccessToken() {
		String accessToken = this.devIdp.latestGatewayLogin().get("access_token").asString();
		Instant expiresAt = ForgedTokens.claims(accessToken).getExpirationTime().toInstant();
		assertThat(expiresAt).isBefore(Instant.now().plus(ACCESS_TOKEN_TTL).plusSeconds(1));
		while (!Instant.now().isAfter(expiresAt)) {
			pause(Duration.between(Instant.now(), expiresAt).plusMillis(20));
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(Math.max(1, duration.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
