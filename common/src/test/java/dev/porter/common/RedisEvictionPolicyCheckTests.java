package dev.porter.common;

import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * The eviction-policy check on the answers a Redis gives to {@code INFO memory}, as Redis
 * words them; against a real Redis in each service's tests.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisEvictionPolicyCheckTests {

	private static final String AT_STAKE = "the test's keys";

	private final RedisEvictionPolicyCheck check = new RedisEvictionPolicyCheck(AT_STAKE);

	/** How many times the check asked Redis. */
	private final AtomicInteger asked = new AtomicInteger();

	@Test
	void checkWhenRedisEvictsKeysWithATimeToLiveThenOneWarningNamingThePolicyAndWhatIsLost(CapturedOutput output) {
		StepVerifier.create(this.check.check(answer(memory("104857600", "volatile-lru")))).verifyComplete();
		StepVerifier.create(this.check.check(answer(memory("104857600", "volatile-lru")))).verifyComplete();

		assertThat(this.asked).as("Redis asked once per process").hasValue(1);
		assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN "))).singleElement(STRING)
			.contains("maxmemory-policy is volatile-lru", AT_STAKE, "noeviction", "Redis settings");
	}

	@Test
	void checkWhenRedisEvictsAnyKeyThenTheWarningNamesThatPolicy(CapturedOutput output) {
		StepVerifier.create(this.check.check(answer(memory("1073741824", "allkeys-lfu")))).verifyComplete();

		assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN "))).singleElement(STRING)
			.contains("maxmemory-policy is allkeys-lfu");
	}

	@Test
	void checkWhenRedisEvictsNothingThenNoWarning(CapturedOutput output) {
		StepVerifier.create(this.check.check(answer(memory("104857600", "noeviction")))).verifyComplete();

		assertThat(this.asked).hasValue(1);
		assertThat(output.getOut()).doesNotContain(" WARN ").doesNotContain("could not be checked");
	}

	@Test
	void checkWhenRedisHasNoMemoryLimitThenNoWarningWhateverThePolicy(CapturedOutput output) {
		StepVerifier.create(this.check.check(answer(memory("0", "volatile-lru")))).verifyComplete();

		assertThat(output.getOut()).doesNotContain(" WARN ");
	}

	@Test
	void checkFieldsWhenSpringDataReadTheAnswerThenTheSameWarning(CapturedOutput output) {
		Properties fields = new Properties();
		fields.setProperty("maxmemory", "104857600");
		fields.setProperty("maxmemory_policy", "volatile-ttl");

		StepVerifier.create(this.check.checkFields(Mono.just(fields))).verifyComplete();

		assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN "))).singleElement(STRING)
			.contains("maxmemory-policy is volatile-ttl");
	}

	// INFO is in @dangerous: a Redis user without it gets NOPERM, through Spring Data
	// Redis wrapped in its own exception.
	@Test
	void checkWhenAnAclRefusesInfoThenOneLineSaysThePolicyCouldNotBeChecked(CapturedOutput output) {
		Mono<String> refused = Mono.defer(() -> {
			this.asked.incrementAndGet();
			return Mono.error(new IllegalStateException("Error in execution", new RedisCommandExecutionException(
					"NOPERM this user has no permissions to run the 'info' command")));
		});

		StepVerifier.create(this.check.check(refused)).verifyComplete();
		StepVerifier.create(this.check.check(refused)).verifyComplete();

		assertThat(this.asked).as("a refusal is an answer: Redis asked once").hasValue(1);
		assertThat(output.getOut()).doesNotContain(" WARN ");
		assertThat(output.getOut().lines().filter((line) -> line.contains(" INFO "))).singleElement(STRING)
			.contains("could not be checked", "NOPERM", "noeviction", AT_STAKE);
	}

	@Test
	void checkWhenInfoIsRenamedThenThePolicyCouldNotBeChecked(CapturedOutput output) {
		StepVerifier.create(this.check.check(Mono.error(
				new RedisCommandExecutionException("ERR unknown command 'INFO', with args beginning with: 'memory' "))))
			.verifyComplete();

		assertThat(output.getOut()).contains("could not be checked: Redis answered INFO ERR");
	}

	@Test
	void checkWhenRedisGaveNoAnswerThenTheNextCallAsksAgain(CapturedOutput output) {
		Mono<String> unanswered = Mono.defer(() -> {
			this.asked.incrementAndGet();
			return Mono.error(new TimeoutException("no answer"));
		});

		StepVerifier.create(this.check.check(unanswered)).verifyError(TimeoutException.class);
		StepVerifier.create(this.check.check(answer(memory("104857600", "volatile-lru")))).verifyComplete();

		assertThat(this.asked).hasValue(2);
		assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN "))).hasSize(1);
	}

	// Each of the gateway's connections asks as it opens, all at once.
	@Test
	void checkWhileAnotherCheckWaitsForRedisThenNothingAsked() {
		Sinks.One<String> pending = Sinks.one();
		this.check.check(answer(pending.asMono())).subscribe();

		StepVerifier.create(this.check.check(answer(memory("104857600", "volatile-lru")))).verifyComplete();

		assertThat(this.asked).hasValue(1);
		pending.tryEmitValue(memory("104857600", "noeviction"));
	}

	@Test
	void checkWhenTheCheckWaitingForRedisIsCancelledThenTheNextCallAsks() {
		this.check.check(answer(Mono.never())).subscribe().dispose();

		StepVerifier.create(this.check.check(answer(memory("104857600", "noeviction")))).verifyComplete();

		assertThat(this.asked).hasValue(2);
	}

	private Mono<String> answer(String memory) {
		return answer(Mono.just(memory));
	}

	private Mono<String> answer(Mono<String> memory) {
		return Mono.defer(() -> {
			this.asked.incrementAndGet();
			return memory;
		});
	}

	/** {@code INFO memory} as Redis 7 answers it, shortened. */
	private static String memory(String maxmemory, String policy) {
		return "# Memory\r\nused_memory:1055992\r\nused_memory_human:1.01M\r\nmaxmemory:" + maxmemory
				+ "\r\nmaxmemory_human:100.00M\r\nmaxmemory_policy:" + policy
				+ "\r\nallocator_frag_ratio:1.19\r\nmem_fragmentation_ratio:9.21\r\n";
	}

}
