package dev.porter.gateway.devices;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.porter.gateway.devices.IdledOutSessionsUnregisteredTests.Login;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IdledOutSessionsUnregisteredTests} in Redis mode: the user's
 * {@code porter:logout:sub:} set holds only the sessions still signed in, and the
 * {@code porter:logout:sid:} sets of idled-out sessions are gone, however often the user
 * signs in again (each login renews a set's expiry).
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class IdledOutSessionsUnregisteredOnRedisTests {

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@AfterEach
	void clockBack() {
		instances.clock().reset();
	}

	@Test
	void loginWhenTheUsersEarlierSessionsIdledOutThenOnlyTheLiveSessionIsInItsSets() {
		String sub = "auth0|idler-" + UUID.randomUUID();
		List<String> idledOutSids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			// Each on another instance: the sets are shared.
			idledOutSids.add(login((i % 2 == 0) ? client(instances.first()) : client(instances.second()), sub).sid());
			instances.clock().shift(IdledOutSessionsUnregisteredTests.IDLED_OUT);
		}

		Login current = login(client(instances.first()), sub);

		assertThat(members("porter:logout:sub:" + sub)).containsExactly(current.key().value());
		assertThat(members("porter:logout:sid:" + current.sid())).containsExactly(current.key().value());
		idledOutSids.forEach((sid) -> assertThat(members("porter:logout:sid:" + sid)).as(sid).isEmpty());
	}

	private static Login login(WebTestClient client, String sub) {
		return IdledOutSessionsUnregisteredTests.login(client, instances.clock().instant(), sub);
	}

	private static Set<String> members(String key) {
		return Set.copyOf(RedisAdmin.call(instances.redis().url(), (commands) -> commands.zrange(key, 0, -1)));
	}

	private static WebTestClient client(ConfigurableApplicationContext instance) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instance));
	}

}
