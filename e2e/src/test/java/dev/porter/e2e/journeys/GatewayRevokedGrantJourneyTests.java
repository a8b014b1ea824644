package dev.porter.e2e.journeys;

import dev.porter.e2e.agents.DevIdpControls;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IdP ends a signed-in user's grant: dev-idp's revocation ends the whole
 * authorization, so its {@code /userinfo} refuses her access token (long before the
 * token's {@code exp}) and the refresh token is dead, as Auth0 does for a blocked user or
 * a revoked grant, and dev-idp after a restart for every grant. profile-service answers
 * her {@code /me} with {@code 401 invalid_token}; the gateway used to relay it while
 * {@code /bff/session} said she was signed in, until the token was due. Now the refusal
 * makes the gateway refresh at once, the IdP refuses the refresh, and the session ends:
 * the SPA is told to sign in again.
 * <p>
 * A stack of its own: the journey needs profile-service to ask {@code /userinfo} for her,
 * so no earlier class may have cached her claims.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayRevokedGrantJourneyTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private DevIdpControls devIdp;

	@BeforeAll
	void startStack() {
		this.stack = Stack.start(StackOptions.standard());
		this.devIdp = new DevIdpControls(this.stack.devIdp());
		// Bob's /me warms profile-service (signing keys, its own token, connections), so
		// that Alice's first one is not a cold start's 503.
		Exchange warm = SpaClient.signIn(this.stack.gateway(), "bob", "bob").getMe();
		assertThat(warm.status()).as(warm.body()).isEqualTo(200);
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
	}

	@Test
	void getMeWhenTheIdpRevokedTheGrantThenSignInAgainAndTheSessionEnded() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		String refreshToken = this.devIdp.latestGatewayLogin().get("refresh_token").asString();
		Exchange revoked = this.devIdp.revokeRefreshToken(refreshToken);
		assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);

		Exchange me = alice.getMe();

		assertThat(me.status()).as(me.body()).isEqualTo(401);
		assertThat(mapper.readTree(me.body()).path("login_url").asString()).as(me.body()).isEqualTo("/bff/login");
		JsonNode session = mapper.readTree(alice.session().body());
		assertThat(session.get("authenticated").asBoolean()).as(session.toString()).isFalse();
	}

}
