package dev.porter.gateway.token;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

import org.springframework.boot.web.server.context.WebServerApplicationContext;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutting down waits for the work in flight after its request: the refreshes (the IdP
 * has rotated each one's refresh token by the time it answers) and the steps run to their
 * end whose client left (a session ending's revocation).
 */
class DetachedWorkDrainTests {

	private final Sinks.Empty<Void> work = Sinks.empty();

	/**
	 * Spring stops waiting for the drain at {@code timeout-per-shutdown-phase}: with the
	 * default settings, a refresh in flight at shutdown must have all the time it may
	 * take, or its rotated token is lost with the instance.
	 */
	@Test
	void shutdownWhenDefaultSettingsThenSpringWaitsAsLongAsTheLongestRefreshMayTake() throws IOException {
		PropertySource<?> yml = new YamlPropertySourceLoader()
			.load("application.yml", new ClassPathResource("application.yml"))
			.get(0);
		Duration phase = new Binder(ConfigurationPropertySources.from(yml))
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		TokenProperties defaults = new Binder(new MapConfigurationPropertySource()).bindOrCreate("porter.token",
				TokenProperties.class);
		TokenProperties longestAllowed = new Binder(
				new MapConfigurationPropertySource(Map.of("porter.token.refresh-timeout", "40s")))
			.bindOrCreate("porter.token", TokenProperties.class);

		assertThat(phase).isGreaterThanOrEqualTo(defaults.longestRefresh())
			.isGreaterThanOrEqualTo(longestAllowed.longestRefresh());
	}

	/**
	 * A back-channel logout or a login callback whose client left may take longer than a
	 * refresh when TOKEN_REFRESH_TIMEOUT is short and OIDC_RESPONSE_TIMEOUT long (three
	 * IdP calls, revocations four at a time): the drain waits as long as Spring lets the
	 * phase run, less the time to say what it gave up on, not only as long as a refresh.
	 */
	@Test
	void boundWhenRefreshesAreShortThenTheShutdownPhaseLessAMargin() {
		assertThat(DetachedWorkDrain.bound(Duration.ofSeconds(25), Duration.ofSeconds(60)))
			.isEqualTo(Duration.ofSeconds(55));
	}

	@Test
	void boundWhenTheLongestRefreshOutlastsThePhaseThenTheLongestRefresh() {
		assertThat(DetachedWorkDrain.bound(Duration.ofSeconds(60), Duration.ofSeconds(30)))
			.isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void stopWhenWorkIsInFlightThenDoneOnlyOnceItHasEnded() throws InterruptedException {
		DetachedWorkDrain drain = new DetachedWorkDrain(this.work::asMono, Duration.ofMinutes(1));
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);

		drain.stop(stopped::countDown);

		assertThat(stopped.getCount()).as("still running").isEqualTo(1);
		assertThat(drain.isRunning()).isFalse();
		this.work.tryEmitEmpty();
		assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void stopWhenWorkOutlastsTheLongestARefreshMayTakeThenDoneAnyway() throws InterruptedException {
		DetachedWorkDrain drain = new DetachedWorkDrain(this.work::asMono, Duration.ofMillis(50));
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);

		drain.stop(stopped::countDown);

		assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void phaseWhenStoppingThenAfterTheWebServerAndBeforeRedis() {
		int webServerStop = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE;

		assertThat(DetachedWorkDrain.PHASE).isLessThan(webServerStop).isGreaterThan(0);
	}

}
