package dev.porter.gateway.problem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.RedisTemplateExtension;
import dev.porter.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis failure anywhere in a request (as Spring Data Redis translates Lettuce's
 * exceptions: refused while disconnected, connect failure, command timeout) is the
 * store's, not a bug: a 503 problem with {@code Retry-After}, logged once per interval
 * with a count and without a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StoreFailureTests {

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final ProblemExceptionHandler handler = new ProblemExceptionHandler(
			new ProblemWriter(JsonMapper.builder().build()), new StoreFailures(this.clock));

	@Test
	void handleWhenRedisRefusesCommandsThenServiceUnavailableProblemWithRetryAfter() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		RuntimeException failure = new RedisSystemException("Currently not connected",
				new RedisException("Currently not connected. Commands are rejected."));

		StepVerifier.create(this.handler.handle(exchange, failure)).verifyComplete();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("5");
		StepVerifier.create(exchange.getResponse().getBodyAsString())
			.assertNext((body) -> assertThat(body).contains("\"status\":503")
				.contains("session store")
				.doesNotContain("Currently not connected"))
			.verifyComplete();
	}

	/**
	 * The answer's commit saves the session, which Redis refuses as it refused what
	 * failed the request (a full Redis refuses every write that adds data): the browser
	 * still gets the store's problem, not Boot's default JSON with a 500 and a stack
	 * trace. So does a request that failed for another reason while its session held a
	 * change to store: that change is lost, which is what the 503 says.
	 */
	@Test
	void handleWhenTheAnswersSessionSaveIsRefusedTooThenServiceUnavailableProblem() {
		for (Throwable failure : new Throwable[] { redisFull(),
				new ProblemException(Problems.sessionNotFound(), null) }) {
			MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/bff/logout"));
			exchange.getResponse().beforeCommit(() -> Mono.error(redisFull()));

			StepVerifier.create(this.handler.handle(exchange, failure)).verifyComplete();

			assertThat(exchange.getResponse().getStatusCode()).as(failure.getClass().getName())
				.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(exchange.getResponse().getHeaders().getContentType())
				.isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("5");
			StepVerifier.create(exchange.getResponse().getBodyAsString())
				.assertNext((body) -> assertThat(body).contains("\"status\":503", "session store"))
				.verifyComplete();
		}
	}

	@Test
	void handleWhenConnectFailsOrCommandTimesOutThenServiceUnavailable() {
		for (RuntimeException failure : new RuntimeException[] {
				new RedisConnectionFailureException("refused", new RedisConnectionException("refused")),
				new QueryTimeoutException("Redis command timed out") }) {
			MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/bff/session"));

			StepVerifier.create(this.handler.handle(exchange, failure)).verifyComplete();

			assertThat(exchange.getResponse().getStatusCode()).as(failure.getClass().getName())
				.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		}
	}

	@Test
	void handleWhenRedisFailsRepeatedlyThenLoggedOncePerIntervalWithCountAndWithoutStackTrace(CapturedOutput output) {
		for (int i = 0; i < 5; i++) {
			fail();
		}
		this.clock.advance(StoreFailures.LOG_INTERVAL);
		fail();

		assertThat(output.getOut().lines().filter((line) -> line.contains("session store (Redis) unavailable")))
			.hasSize(2)
			.last()
			.asString()
			.contains("4 more since the last message");
		assertThat(output).doesNotContain("\tat ").doesNotContain("Commands are rejected");
	}

	/**
	 * Redis up but refusing writes for a reason of its own, as a real
	 * {@code redis-server} answers: full with {@code noeviction} (OOM), or a replica
	 * after a failover (READONLY). The line names Redis' error code and what to check,
	 * never the rest of its message.
	 */
	@Test
	void handleWhenRedisRefusesWritesForAReasonOfItsOwnThenTheLogNamesIt(CapturedOutput output) {
		ReactiveStringRedisTemplate template = redis.template();
		RedisServer server = redis.server();
		try {
			admin(server, (commands) -> commands.configSet("maxmemory", "1"));
			handle(refusedWrite(template));
			this.clock.advance(StoreFailures.LOG_INTERVAL);
			admin(server, (commands) -> commands.configSet("maxmemory", "0"));
			admin(server, (commands) -> commands.replicaof("127.0.0.1", 1));
			handle(refusedWrite(template));
		}
		finally {
			admin(server, (commands) -> commands.replicaofNoOne());
			admin(server, (commands) -> commands.configSet("maxmemory", "0"));
		}

		List<String> lines = output.getOut()
			.lines()
			.filter((line) -> line.contains("session store (Redis) unavailable"))
			.toList();
		assertThat(lines).hasSize(2);
		assertThat(lines.get(0)).contains("Redis answered OOM").contains("maxmemory");
		assertThat(lines.get(1)).contains("Redis answered READONLY").contains("replica");
		assertThat(output).doesNotContain("command not allowed").doesNotContain("You can't write");
	}

	/**
	 * Before Redis 7, a write that a script calls and Redis refuses fails the whole
	 * script with {@code ERR}, the refusal wrapped in it (as Redis 6.2 answers, see
	 * spring-data-redis #3042): the line names the refusal's code, not ERR.
	 */
	@Test
	void handleWhenAScriptsWriteIsRefusedByRedisBefore7ThenTheLogNamesTheRefusal(CapturedOutput output) {
		handle(new RedisSystemException("Error in execution", new RedisCommandExecutionException(
				"ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:4: @user_script: 4: -READONLY You can't write against a read only replica.")));
		this.clock.advance(StoreFailures.LOG_INTERVAL);
		handle(new RedisSystemException("Error in execution", new RedisCommandExecutionException(
				"ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:4: @user_script: 4: -OOM command not allowed when used memory > 'maxmemory'.")));
		this.clock.advance(StoreFailures.LOG_INTERVAL);
		handle(new RedisSystemException("Error in execution", new RedisCommandExecutionException(
				"ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:1: user_script:1: attempt to compare nil with number")));

		List<String> lines = output.getOut()
			.lines()
			.filter((line) -> line.contains("session store (Redis) unavailable"))
			.toList();
		assertThat(lines).hasSize(3);
		assertThat(lines.get(0)).contains("Redis answered READONLY").contains("replica");
		assertThat(lines.get(1)).contains("Redis answered OOM").contains("maxmemory");
		assertThat(lines.get(2)).contains("Redis answered ERR;");
		assertThat(output).doesNotContain("You can't write").doesNotContain("user_script");
	}

	/**
	 * {@code REDIS_URL} naming a node of a Redis Cluster: what it refuses says so. A real
	 * node in cluster mode refuses keys of different slots in one command
	 * ({@code CROSSSLOT}); one of several nodes refuses a key of another's slot
	 * ({@code MOVED}, as Redis words it).
	 */
	@Test
	void handleWhenRedisInClusterModeRefusesThenTheLogNamesClusterMode(CapturedOutput output) throws Exception {
		Path config = Files.createTempDirectory("porter-redis-cluster-");
		try (RedisServer node = RedisServer.startWith("--cluster-enabled", "yes", "--cluster-config-file",
				config.resolve("nodes.conf").toString())) {
			RedisAdmin.call(node.url(), (commands) -> commands.clusterAddSlots(IntStream.range(0, 16384).toArray()));
			Throwable crossSlot = RedisAdmin.call(node.url(), (commands) -> {
				try {
					commands.mget("porter:a", "porter:b");
					return new AssertionError("Redis read keys of two slots at once");
				}
				catch (RedisCommandExecutionException refused) {
					return refused;
				}
			});
			handle(new RedisSystemException("Error in execution", crossSlot));
			this.clock.advance(StoreFailures.LOG_INTERVAL);
			handle(new RedisSystemException("Error in execution",
					new RedisCommandExecutionException("MOVED 3999 10.0.0.12:6379")));
		}
		finally {
			Files.deleteIfExists(config.resolve("nodes.conf"));
			Files.deleteIfExists(config);
		}

		List<String> lines = output.getOut()
			.lines()
			.filter((line) -> line.contains("session store (Redis) unavailable"))
			.toList();
		assertThat(lines).hasSize(2);
		assertThat(lines.get(0)).contains("Redis answered CROSSSLOT").contains("cluster mode disabled");
		assertThat(lines.get(1)).contains("Redis answered MOVED").contains("cluster mode disabled");
		assertThat(output).doesNotContain("10.0.0.12").doesNotContain("hash to the same slot");
	}

	private static Throwable refusedWrite(ReactiveStringRedisTemplate template) {
		return template.opsForValue()
			.set("porter:test:refused", "x".repeat(1024))
			.map((done) -> (Throwable) new AssertionError("Redis took the write"))
			.onErrorResume(Mono::just)
			.block(Duration.ofSeconds(5));
	}

	private static RuntimeException redisFull() {
		return new RedisSystemException("Error in execution",
				new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'."));
	}

	private static void admin(RedisServer server, Function<RedisCommands<String, String>, String> command) {
		assertThat(RedisAdmin.call(server.url(), command)).isEqualTo("OK");
	}

	private void handle(Throwable failure) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		StepVerifier.create(this.handler.handle(exchange, failure)).verifyComplete();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
	}

	private void fail() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		StepVerifier
			.create(this.handler
				.handle(exchange,
						new RedisSystemException("x",
								new RedisException("Currently not connected. Commands are rejected."))))
			.verifyComplete();
	}

}
