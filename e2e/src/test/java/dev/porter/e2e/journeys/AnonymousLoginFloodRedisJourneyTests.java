package dev.porter.e2e.journeys;

import java.util.Map;
import java.util.Set;

import dev.porter.e2e.agents.LoopbackPeers;
import dev.porter.e2e.agents.RedisKeys;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 through real processes, sessions in Redis: the same anonymous crowd leaves
 * nothing in Redis that outlives the login budget's window — no session, no key without a
 * time to live — so Redis memory stays bounded, and a user still signs in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnonymousLoginFloodRedisJourneyTests {

	private static final int LOGIN_RATE_LIMIT = AnonymousLoginFloodJourneyTests.LOGIN_RATE_LIMIT;

	private static final long RATE_LIMIT_PERIOD_MILLIS = 60_000;

	/**
	 * Far below what the crowd's sessions took before (10 100 sessions, ~38 MB at the
	 * ~3.8 KB each measured for issue 10), far above its per-peer counters (~100 B each).
	 */
	private static final long MEMORY_GROWTH_BOUND = 4L * 1024 * 1024;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	@BeforeAll
	void startStack() {
		this.stack = Stack.start(StackOptions.standard()
			.withSharedRedis(1)
			.withGatewayEnv("LOGIN_RATE_LIMIT", Integer.toString(LOGIN_RATE_LIMIT))
			.withGatewayEnv("LOGIN_RATE_LIMIT_PERIOD", RATE_LIMIT_PERIOD_MILLIS + "ms"));
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
	}

	@Test
	void loginWhenAnonymousCrowdThenRedisHoldsNoSessionAndOnlyExpiringKeysAndSignedInLoginSucceeds() {
		// the stack's own, such as the session it warmed itself up with
		Set<String> keysBefore = RedisKeys.names(this.stack.redis());
		RedisKeys.Survey before = RedisKeys.survey(this.stack.redis(), "porter:session");
		long memoryBefore = RedisKeys.usedMemory(this.stack.redis());

		Map<Integer, Integer> statuses = LoopbackPeers.flood(this.stack.gateway(), "/bff/login?returnTo=/",
				AnonymousLoginFloodJourneyTests.ANONYMOUS_LOGINS / LOGIN_RATE_LIMIT, LOGIN_RATE_LIMIT);
		RedisKeys.Survey after = RedisKeys.survey(this.stack.redis(), "porter:session");
		long longestTtlOfTheCrowds = RedisKeys.longestTtlMillisOfKeysOtherThan(this.stack.redis(), keysBefore);
		long growth = RedisKeys.usedMemory(this.stack.redis()) - memoryBefore;
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");

		assertThat(statuses).containsOnlyKeys(302);
		assertThat(after.sessions()).as("anonymous sessions in Redis").isEqualTo(before.sessions());
		assertThat(after.withoutTtl()).as("keys that never expire").isEqualTo(before.withoutTtl());
		assertThat(longestTtlOfTheCrowds).as("longest time to live of the keys the crowd left")
			.isLessThanOrEqualTo(RATE_LIMIT_PERIOD_MILLIS);
		assertThat(growth).as("Redis memory growth in bytes").isLessThan(MEMORY_GROWTH_BOUND);
		assertThat(mapper.readTree(alice.session().body()).get("authenticated").asBoolean()).isTrue();
	}

}
