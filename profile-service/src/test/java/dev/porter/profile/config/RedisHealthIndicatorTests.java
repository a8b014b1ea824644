package dev.porter.profile.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.PausingRedis;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis's health, against a real {@code redis-server}. */
@ExtendWith(OutputCaptureExtension.class)
class RedisHealthIndicatorTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	/** How long a connection waits for Redis to answer: longer than a probe does. */
	private static final Duration CONNECTING_FOR = Duration.ofSeconds(10);

	/**
	 * Redis answers the connection only after the probe has given up: the connection goes
	 * on without it. Cancelled, the thread making it was interrupted: Reactor logged that
	 * failure as dropped, at ERROR with its stack trace, on every probe while Redis was
	 * slow, and Lettuce finished the connection all the same, open and nobody's.
	 */
	@Test
	void healthWhenRedisAnswersTheConnectionPastTheTimeoutThenDownAndNothingLoggedNorLeftOpen(CapturedOutput output)
			throws Exception {
		try (PausingRedis slowRedis = PausingRedis.start()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					LettuceConnectionFactory.createRedisConfiguration(slowRedis.url()),
					LettuceClientConfiguration.builder().commandTimeout(CONNECTING_FOR).build());
			factory.start();
			try {
				RedisHealthIndicator health = new RedisHealthIndicator(factory, TIMEOUT);
				slowRedis.pause(TIMEOUT.multipliedBy(4));

				StepVerifier.create(health.health())
					.assertNext((down) -> assertThat(down.getStatus()).isEqualTo(Status.DOWN))
					.verifyComplete();

				slowRedis.awaitAnswering();
				StepVerifier.create(health.health())
					.assertNext((up) -> assertThat(up.getStatus()).isEqualTo(Status.UP))
					.verifyComplete();
				assertThat(slowRedis.othersConnections()).as("the indicator's connections").isOne();
			}
			finally {
				factory.destroy();
			}
		}
		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("\tat ");
	}

}
