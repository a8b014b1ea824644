package dev.porter.gateway.logout;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.LeavingClient;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance shut down (a rolling deploy) while a logout whose browser left is still on
 * its way: no connection is open any more, so graceful shutdown does not wait for it, and
 * the logout, cut when the IdP client closes, left the session removed and its refresh
 * token, whose only copy the removal took, unrevoked. Shutdown waits for it, as for a
 * refresh in flight, before the connections close.
 */
class ShutdownDuringLogoutTests {

	private ConfigurableApplicationContext gateway;

	@BeforeEach
	void idp() {
		TestIdp.instance().server().resetAll();
		TestIdp.instance().stubDiscovery();
	}

	@AfterEach
	void closed() {
		if (this.gateway != null) {
			this.gateway.close();
		}
	}

	@Test
	void closeWhenALogoutWhoseClientLeftIsStillRunningThenItsRefreshTokenIsRevokedBeforeTheConnectionsClose()
			throws Exception {
		this.gateway = GatewayInstances.startOnTestIdp(new Class<?>[] { StoreHiccups.class, ShutdownSteps.class },
				"--porter.login.rate-limit=100000");
		int port = TwoGatewaysOnRedis.port(this.gateway);
		Browser browser = new Browser(TestClients.gateway(port)).login("auth0|deployed-" + UUID.randomUUID(), 3600);
		String refreshToken = browser.tokens().refreshToken();
		StoreHiccups.Held forgetting = new StoreHiccups.Held();
		this.gateway.getBean(StoreHiccups.class).unregistersHeld.put(SessionKey.of(browser.sessionId()), forgetting);
		String xsrf = browser.xsrf();
		LeavingClient client = LeavingClient.send(this.gateway.getBean(MeterRegistry.class),
				browser.webClient(port).post().uri("/bff/logout").header("X-XSRF-TOKEN", xsrf));
		forgetting.reached().get(10, TimeUnit.SECONDS);
		client.leave();
		ShutdownSteps steps = this.gateway.getBean(ShutdownSteps.class);
		// Let go once the server has stopped: nothing but the logout holds the instance.
		steps.serverStopped.thenRun(() -> forgetting.released().complete(null));
		steps.beforeConnectionsClose
			.thenRun(() -> steps.revokedBeforeConnectionsClose.complete(revocationsOf(refreshToken) > 0));

		this.gateway.close();

		assertThat(steps.revokedBeforeConnectionsClose).as("revoked before the connections closed")
			.isCompletedWithValue(true);
	}

	private static int revocationsOf(String token) {
		return TestIdp.instance()
			.server()
			.findAll(postRequestedFor(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing("token=" + token)))
			.size();
	}

	/**
	 * Marks two moments of the shutdown: the web server stopped (no request comes in any
	 * more), and the last stop before Redis and the IdP client close (phase 0 and the
	 * beans' destruction).
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class ShutdownSteps {

		final CompletableFuture<Void> serverStopped = new CompletableFuture<>();

		final CompletableFuture<Void> beforeConnectionsClose = new CompletableFuture<>();

		final CompletableFuture<Boolean> revokedBeforeConnectionsClose = new CompletableFuture<>();

		@Bean
		SmartLifecycle serverStoppedMark() {
			return new Mark(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1, this.serverStopped);
		}

		@Bean
		SmartLifecycle beforeConnectionsCloseMark() {
			return new Mark(1, this.beforeConnectionsClose);
		}

	}

	/** Completes {@code stopped} when stopped, in its phase. */
	private static final class Mark implements SmartLifecycle {

		private final int phase;

		private final CompletableFuture<Void> stopped;

		private volatile boolean running;

		Mark(int phase, CompletableFuture<Void> stopped) {
			this.phase = phase;
			this.stopped = stopped;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.stopped.complete(null);
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}
