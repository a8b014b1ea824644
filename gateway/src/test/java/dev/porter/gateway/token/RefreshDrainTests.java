package dev.porter.gateway.token;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutting down waits for the refreshes in flight: the IdP has rotated each one's refresh
 * token by the time it answers.
 */
class RefreshDrainTests {

	private final Sinks.Empty<Void> refreshes = Sinks.empty();

	@Test
	void stopWhenARefreshIsInFlightThenDoneOnlyOnceItHasEnded() throws InterruptedException {
		RefreshDrain drain = new RefreshDrain(this.refreshes::asMono, Duration.ofMinutes(1));
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);

		drain.stop(stopped::countDown);

		assertThat(stopped.getCount()).as("still refreshing").isEqualTo(1);
		assertThat(drain.isRunning()).isFalse();
		this.refreshes.tryEmitEmpty();
		assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void stopWhenARefreshOutlastsTheLongestARefreshMayTakeThenDoneAnyway() throws InterruptedException {
		RefreshDrain drain = new RefreshDrain(this.refreshes::asMono, Duration.ofMillis(50));
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);

		drain.stop(stopped::countDown);

		assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void phaseWhenStoppingThenAfterTheWebServerAndBeforeRedis() {
		int webServerStop = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1024;

		assertThat(RefreshDrain.PHASE).isLessThan(webServerStop).isGreaterThan(0);
	}

}
