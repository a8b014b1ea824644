package dev.porter.gateway.session;

import java.time.Duration;
import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestSessionKeys;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code SESSION_IDLE_TIMEOUT} changed in a rolling restart, with sessions in Redis: each
 * stored session carries the idle timeout it was last written with, and the instances
 * running the new setting must end it by the shorter of the two. Lowered after an
 * incident, the new setting reaches the sessions already stored (a laptop or a stolen
 * cookie idle past it is signed out, and no longer listed); raised, it revives none that
 * idled out under the old one.
 * <p>
 * The run's first shared instance runs the default 30 min; the instance this class starts
 * on the same Redis and clock runs {@link #LOWERED}.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class IdleTimeoutChangeOnRedisTests {

	private static final Duration LOWERED = Duration.ofMinutes(5);

	/** Past {@link #LOWERED}, well within the default 30 min. */
	private static final Duration PAST_LOWERED = LOWERED.plusMinutes(5);

	private static TwoGatewaysOnRedis instances;

	/** Started with the default idle timeout, before the deploy. */
	private static ConfigurableApplicationContext before;

	/** Started with {@code SESSION_IDLE_TIMEOUT} {@link #LOWERED}. */
	private static ConfigurableApplicationContext lowered;

	@BeforeAll
	static void start(TwoGatewaysOnRedis shared) {
		instances = shared;
		before = shared.first();
		lowered = GatewayInstances.startOnTestIdp(shared.clock(), "--porter.redis.url=" + shared.redis().url(),
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED, "--porter.login.rate-limit=100000",
				"--porter.relay.profile-service-uri=http://localhost:" + shared.profile().port(),
				"--porter.session.idle-timeout=" + LOWERED.toMinutes() + "m");
	}

	@AfterEach
	void clockBack() {
		instances.clock().reset();
	}

	@AfterAll
	static void stop() {
		if (lowered != null) {
			lowered.close();
		}
	}

	@Test
	void sessionWhenIdlePastALoweredIdleTimeoutThenSignedOutByTheInstancesRunningIt() {
		Browser laptop = new Browser(client(before)).login("auth0|alice", 3600);

		instances.clock().shift(PAST_LOWERED);

		Browser afterDeploy = laptop.on(client(lowered));
		afterDeploy.get("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false)
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login");
		afterDeploy.expectLoginRequired("/me");
	}

	@Test
	void sessionsWhenAnotherDeviceIdledPastALoweredIdleTimeoutThenNotListed() {
		String alice = "auth0|alice-" + UUID.randomUUID();
		new Browser(client(before)).login(alice, 3600);

		instances.clock().shift(PAST_LOWERED);
		Browser phone = new Browser(client(lowered)).login(alice, 3600);

		phone.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sessions.length()")
			.isEqualTo(1);
	}

	/**
	 * Refused by an instance on the lowered setting, a session idle past it is over for
	 * every instance: one still on the old setting, or the whole service rolled back to
	 * it, signed it in again and wrote it back (a stolen cookie revived). Redis keeps it
	 * no longer than an idled-out session, for the request that may hold it.
	 */
	@Test
	void sessionWhenRefusedByTheLoweredIdleTimeoutThenNotSignedInAgainWhereTheSettingIsLonger() {
		Browser laptop = new Browser(client(before)).login("auth0|alice", 3600);
		instances.clock().shift(PAST_LOWERED);

		laptop.on(client(lowered))
			.get("/bff/session")
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);

		assertStoredNoLongerThanTheGrace(laptop.sessionId());
		laptop.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		laptop.get("/me").exchange().expectStatus().isUnauthorized();
		assertStoredNoLongerThanTheGrace(laptop.sessionId());
	}

	/**
	 * The same for a session found by its key: {@code /bff/sessions} on the lowered
	 * setting leaves out another device idle past it, and no instance lists it again.
	 */
	@Test
	void sessionsWhenAnotherDeviceIdledPastALoweredIdleTimeoutThenNotListedWhereTheSettingIsLongerEither() {
		String alice = "auth0|alice-" + UUID.randomUUID();
		Browser laptop = new Browser(client(before)).login(alice, 3600);

		instances.clock().shift(PAST_LOWERED);
		Browser phone = new Browser(client(lowered)).login(alice, 3600);
		phone.get("/bff/sessions").exchange().expectBody().jsonPath("$.sessions.length()").isEqualTo(1);

		assertStoredNoLongerThanTheGrace(laptop.sessionId());
		phone.on(client(before))
			.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sessions.length()")
			.isEqualTo(1);
		laptop.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	/**
	 * Used within the lowered idle timeout, a session stays signed in, and is written
	 * back with it: from then on every instance (one still on the old setting too) ends
	 * it by the lowered one, and Redis keeps it no longer than that.
	 */
	@Test
	void sessionWhenUsedWithinALoweredIdleTimeoutThenSignedInAndFromThenOnEndedByIt() {
		Browser laptop = new Browser(client(before)).login("auth0|alice", 3600);
		instances.clock().shift(LOWERED.minusMinutes(2));

		laptop.on(client(lowered))
			.get("/bff/session")
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true);

		long ttl = RedisAdmin.call(instances.redis().url(),
				(commands) -> commands.pttl(EncryptedRedisSessionRepository.key(laptop.sessionId())));
		assertThat(Duration.ofMillis(ttl)).as("Redis's time left")
			.isPositive()
			.isLessThanOrEqualTo(LOWERED.plus(EncryptedRedisSessionRepository.STORE_GRACE));
		instances.clock().shift(PAST_LOWERED);
		laptop.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	/** Raised, the idle timeout brings back no session that idled out before. */
	@Test
	void sessionWhenIdlePastTheIdleTimeoutItWasStoredWithThenSignedOutWhereTheSettingIsLonger() {
		Browser laptop = new Browser(client(lowered)).login("auth0|alice", 3600);

		instances.clock().shift(PAST_LOWERED);

		laptop.on(client(before))
			.get("/bff/session")
			.exchange()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(false);
	}

	/**
	 * Redis keeps the session no longer than an idled-out one: at most
	 * {@link EncryptedRedisSessionRepository#STORE_GRACE}.
	 */
	private static void assertStoredNoLongerThanTheGrace(String sessionId) {
		long ttl = RedisAdmin.call(instances.redis().url(),
				(commands) -> commands.pttl(EncryptedRedisSessionRepository.key(sessionId)));
		assertThat(Duration.ofMillis(ttl)).as("Redis's time left")
			.isPositive()
			.isLessThanOrEqualTo(EncryptedRedisSessionRepository.STORE_GRACE);
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(context));
	}

}
