package dev.porter.gateway.token;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.RedisTemplateExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cross-instance refresh lock against a real {@code redis-server}, over a connection
 * that waits for Redis no longer than the gateway does ({@code REDIS_TIMEOUT}).
 */
class RedisRefreshLockTests {

	private static final Duration REDIS_TIMEOUT = Duration.ofMillis(300);

	/** As TOKEN_REFRESH_TIMEOUT (30 s) plus 10 s: far beyond any wait of these tests. */
	private static final Duration LEASE = Duration.ofSeconds(40);

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private LettuceConnectionFactory connections;

	private RedisRefreshLock lock;

	@BeforeEach
	void connect() {
		this.connections = new LettuceConnectionFactory(
				LettuceConnectionFactory.createRedisConfiguration(redis.server().url()),
				LettuceClientConfiguration.builder().commandTimeout(REDIS_TIMEOUT).build());
		this.connections.afterPropertiesSet();
		this.connections.start();
		this.lock = new RedisRefreshLock(new ReactiveStringRedisTemplate(this.connections), LEASE);
	}

	@AfterEach
	void disconnect() throws Exception {
		redisCli("CLIENT", "UNPAUSE");
		this.connections.destroy();
	}

	/**
	 * Redis took the lock for a refresh that had already given up waiting for it (and
	 * answered 503): the session's next refresh must not wait out the lease.
	 */
	@Test
	void whileHoldingWhenRedisGrantsTheLockAfterTheTimeoutThenTheNextRefreshIsNotLockedOut() throws Exception {
		// Writes wait in Redis far beyond REDIS_TIMEOUT, then are carried out.
		redisCli("CLIENT", "PAUSE", "10000", "WRITE");
		try {
			StepVerifier.create(this.lock.whileHolding("session-1", () -> Mono.just("refreshed")))
				.expectError()
				.verify(Duration.ofSeconds(5));
		}
		finally {
			// Redis runs the waiting writes before it answers this.
			redisCli("CLIENT", "UNPAUSE");
		}

		StepVerifier.create(this.lock.whileHolding("session-1", () -> Mono.just("refreshed")))
			.expectNext("refreshed")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(redis.template().hasKey("porter:refresh-lock:" + SessionKey.of("session-1").value()).block())
			.as("released after the refresh")
			.isFalse();
	}

	/**
	 * A full Redis refuses the lease's {@code SET NX} ({@code OOM}): that is the session
	 * store's failure, to be answered and logged as the store's, not a problem of the
	 * IdP's. No refresh runs: its rotated tokens could not be stored.
	 */
	@Test
	void whileHoldingWhenRedisIsFullThenTheStoresFailureAndNoRefresh() throws Exception {
		AtomicBoolean refreshed = new AtomicBoolean();
		redisCli("CONFIG", "SET", "maxmemory", "1");
		try {
			StepVerifier.create(this.lock.whileHolding("session-2", () -> Mono.fromRunnable(() -> refreshed.set(true))))
				.expectErrorSatisfies((failure) -> assertThat(failure).isNotInstanceOf(ProblemException.class)
					.isInstanceOf(RedisSystemException.class)
					.hasRootCauseMessage("OOM command not allowed when used memory > 'maxmemory'."))
				.verify(Duration.ofSeconds(5));
		}
		finally {
			redisCli("CONFIG", "SET", "maxmemory", "0");
		}

		assertThat(refreshed).isFalse();
	}

	private static void redisCli(String... command) throws IOException, InterruptedException {
		String[] line = new String[command.length + 3];
		line[0] = "/usr/bin/redis-cli";
		line[1] = "-p";
		line[2] = Integer.toString(URI.create(redis.server().url()).getPort());
		System.arraycopy(command, 0, line, 3, command.length);
		Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(out).isEqualTo("OK");
	}

}
