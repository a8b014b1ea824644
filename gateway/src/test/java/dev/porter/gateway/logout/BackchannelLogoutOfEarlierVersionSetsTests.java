package dev.porter.gateway.logout;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session registered by the version before the registry scored its sessions by when
 * they registered (its {@code porter:logout:} keys plain sets, not sorted sets): the
 * IdP's back-channel logout after the upgrade still ends it, instead of failing with
 * {@code WRONGTYPE} and leaving it signed in.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class BackchannelLogoutOfEarlierVersionSetsTests {

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@Test
	void backchannelLogoutWhenTheSessionWasRegisteredInPlainSetsThenItEnds() {
		String sub = "auth0|upgraded-" + UUID.randomUUID();
		Browser browser = new Browser(client(instances.first())).login(sub, 3600);
		String sidKey = "porter:logout:sid:" + browser.tokens().sid();
		String subKey = "porter:logout:sub:" + sub;
		writeAsPlainSet(sidKey);
		writeAsPlainSet(subKey);

		client(instances.second()).post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token",
					TestIdp.instance().logoutToken(Map.of("sid", browser.tokens().sid(), "sub", sub))))
			.exchange()
			.expectStatus()
			.isOk();

		assertThat(signedOut(client(instances.second()), browser)).as("signed out").isTrue();
		// Ended, so unregistered: the last session of both sets.
		long left = RedisAdmin.call(instances.redis().url(), (commands) -> commands.exists(sidKey, subKey));
		assertThat(left).isZero();
	}

	/** As the earlier version wrote it: SADD, then PEXPIRE. */
	private static void writeAsPlainSet(String key) {
		RedisAdmin.call(instances.redis().url(), (commands) -> {
			List<String> sessions = commands.zrange(key, 0, -1);
			assertThat(sessions).as(key).isNotEmpty();
			Long expiry = commands.pttl(key);
			commands.del(key);
			commands.sadd(key, sessions.toArray(String[]::new));
			return commands.pexpire(key, expiry);
		});
	}

	private static boolean signedOut(WebTestClient client, Browser browser) {
		return client.get()
			.uri("/bff/session")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()
			.contains("\"authenticated\":false");
	}

	private static WebTestClient client(ConfigurableApplicationContext instance) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instance));
	}

}
