package dev.porter.e2e.journeys;

import java.util.List;
import java.util.Map;

import dev.porter.e2e.agents.LoopbackPeers;
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
 * Issue 10 through real processes, in-memory sessions: a crowd of anonymous clients, each
 * from its own loopback address and within its own login budget, starts more logins than
 * the session store holds (10 000 by default) — and a user who then signs in still gets
 * in. Another client over its budget gets a 429 problem without hurting the others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnonymousLoginFloodJourneyTests {

	static final int LOGIN_RATE_LIMIT = 20;

	/** More than {@code SESSION_MAX}'s default of 10 000. */
	static final int ANONYMOUS_LOGINS = 10_100;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	@BeforeAll
	void startStack() {
		this.stack = Stack
			.start(StackOptions.standard().withGatewayEnv("LOGIN_RATE_LIMIT", Integer.toString(LOGIN_RATE_LIMIT)));
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
	}

	@Test
	void loginWhenMoreAnonymousLoginsThanSessionsCameFirstThenSignedInLoginSucceeds() {
		// Enough peers that none exceeds its budget: what is tested is the store, not the
		// rate limit.
		int peers = ANONYMOUS_LOGINS / LOGIN_RATE_LIMIT;
		Map<Integer, Integer> statuses = LoopbackPeers.flood(this.stack.gateway(), "/bff/login?returnTo=/", peers,
				LOGIN_RATE_LIMIT);

		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");

		assertThat(statuses).as("every anonymous login was started")
			.containsOnlyKeys(302)
			.containsEntry(302, ANONYMOUS_LOGINS);
		assertThat(mapper.readTree(alice.session().body()).get("authenticated").asBoolean()).isTrue();
		assertThat(alice.getMe().status()).isEqualTo(200);
		assertThat(this.stack.gateway().process().logText()).doesNotContain("Max sessions")
			.as("no stack trace in the log")
			.doesNotContain("\tat ");
	}

	@Test
	void loginWhenOnePeerExceedsItsBudgetThenTooManyRequestsProblemAndOtherPeersUnaffected() {
		// Twice the budget and one: whichever fixed windows the requests fall into, one
		// of
		// them is over.
		List<LoopbackPeers.Answer> greedy = LoopbackPeers.get("127.1.0.1", this.stack.gateway().port(), "/bff/login",
				2 * LOGIN_RATE_LIMIT + 1);
		LoopbackPeers.Answer neighbour = LoopbackPeers.get("127.1.0.2", this.stack.gateway().port(), "/bff/login", 1)
			.get(0);

		assertThat(greedy).filteredOn((answer) -> answer.status() == 429).isNotEmpty().allSatisfy((answer) -> {
			assertThat(answer.headers()).containsKey("retry-after")
				.containsEntry("content-type", "application/problem+json");
			assertThat(mapper.readTree(answer.body()).get("type").asString()).endsWith("/rate-limited");
		});
		assertThat(neighbour.status()).isEqualTo(302);
	}

}
