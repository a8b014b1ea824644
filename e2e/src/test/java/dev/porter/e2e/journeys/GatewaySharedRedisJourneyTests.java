package dev.porter.e2e.journeys;

import dev.porter.e2e.stack.Exchange;
import dev.porter.e2e.stack.SpaClient;
import dev.porter.e2e.stack.Stack;
import dev.porter.e2e.stack.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances sharing sessions through one Redis (redis-server from the OS
 * package): a session started on one is served by the other, as behind a load balancer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaySharedRedisJourneyTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	@BeforeAll
	void startStack() {
		this.stack = Stack.start(StackOptions.standard().withSharedRedis(2));
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	@Test
	void getAndPatchMeWhenSignedInOnFirstGatewayThenSecondGatewayServesSession() {
		SpaClient first = SpaClient.signIn(this.stack.gateway(0), "alice", "alice");
		SpaClient second = new SpaClient(first.agent(), this.stack.gateway(1));

		Exchange me = second.getMe();
		Exchange patched = second.patchMetadata("{\"e2e_gateway_instance\":\"second\"}");

		assertThat(me.status()).as(me.body()).isEqualTo(200);
		assertThat(mapper.readTree(me.body()).get("sub").asString()).isEqualTo("auth0|5f7c8ec7c33c6c004bbafe82");
		assertThat(patched.status()).as(patched.body()).isEqualTo(200);
		Exchange reread = first.getMe();
		assertThat(mapper.readTree(reread.body()).get("user_metadata").get("e2e_gateway_instance").asString())
			.isEqualTo("second");
	}

}
