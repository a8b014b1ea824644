package dev.porter.e2e.journeys;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.porter.e2e.stack.DevIdpControls;
import dev.porter.e2e.stack.Exchange;
import dev.porter.e2e.stack.ForgedTokens;
import dev.porter.e2e.stack.Service;
import dev.porter.e2e.stack.SpaClient;
import dev.porter.e2e.stack.Stack;
import dev.porter.e2e.stack.StackOptions;
import dev.porter.e2e.stack.UserAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Back-channel logout tokens are single-use across instances: two gateways share one
 * Redis (real redis-server), and a token the first gateway acted on is refused by the
 * second, so a replay cannot end the session the user started afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayBackchannelReplayRedisJourneyTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private DevIdpControls devIdp;

	@BeforeAll
	void startStack() {
		this.stack = Stack.start(StackOptions.standard().withSharedRedis(2));
		this.devIdp = new DevIdpControls(this.stack.devIdp());
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	@Test
	void backchannelLogoutWhenTokenTakenByFirstGatewayReplayedToSecondThenRefusedAndNewSessionLives() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(0), "alice", "alice");
		String sid = this.devIdp.latestGatewayLogin().get("sid").asString();
		String token = this.devIdp.logoutToken("porter-gateway", sid);
		Exchange delivered = deliver(this.stack.gateway(0), token);
		assertThat(delivered.status()).as(delivered.body()).isEqualTo(200);
		assertThat(alice.getMe().status()).as("the session the token was for").isEqualTo(401);

		GatewayLogoutJourneyTests.signInAgainWithinIdpSession(alice);
		assertThat(this.devIdp.latestGatewayLogin().get("sid").asString()).as("the same IdP session").isEqualTo(sid);
		Exchange replayed = deliver(this.stack.gateway(1), token);

		assertThat(replayed.status()).as(replayed.body()).isEqualTo(400);
		assertThat(mapper.readTree(replayed.body()).get("type").asString())
			.isEqualTo("https://porter.example/problems/invalid-logout-token");
		assertThat(alice.getMe().status()).as("the session begun after the first delivery, on gateway 1")
			.isEqualTo(200);
		assertThat(new SpaClient(alice.agent(), this.stack.gateway(1)).getMe().status())
			.as("the same session, on gateway 2")
			.isEqualTo(200);
		String jti = ForgedTokens.claims(token).getJWTID();
		assertThat(redisTtlSeconds("porter:logout:jti:" + jti))
			.as("the jti is remembered in Redis until the token would be stale (exp + 60 s skew)")
			.isBetween(1L, 180L);
	}

	private static Exchange deliver(Service gateway, String logoutToken) {
		String form = "logout_token=" + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8);
		return new UserAgent().send("POST", gateway.uri("/bff/backchannel-logout"),
				HttpRequest.BodyPublishers.ofString(form), "Content-Type", "application/x-www-form-urlencoded");
	}

	/**
	 * {@code TTL key} through redis-cli: seconds left, -2 when the key does not exist.
	 */
	private long redisTtlSeconds(String key) {
		try {
			Process cli = new ProcessBuilder("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p",
					Integer.toString(this.stack.redis().port()), "TTL", key)
				.redirectErrorStream(true)
				.start();
			if (!cli.waitFor(10, TimeUnit.SECONDS)) {
				cli.destroyForcibly();
				throw new IllegalStateException("redis-cli did not answer");
			}
			List<String> lines = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
				.toList();
			return Long.parseLong(lines.get(0).trim());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
