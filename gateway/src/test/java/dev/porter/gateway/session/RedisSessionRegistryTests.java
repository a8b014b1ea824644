package dev.porter.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import dev.porter.gateway.support.RedisMonitor;
import dev.porter.gateway.support.RedisTemplateExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The back-channel registry against a real {@code redis-server}: its
 * {@code porter:logout:sid:*} keys count IdP sessions, not gateway sessions. Logins
 * through one IdP session (single sign-on: the browser still signed in at the IdP) share
 * one key; a key disappears with its last session and never outlives the absolute
 * lifetime of the latest login under it.
 */
class RedisSessionRegistryTests extends SessionRegistryLogoutMemoryContract {

	private static final Duration LIFETIME = Duration.ofHours(12);

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private ReactiveStringRedisTemplate template;

	private RedisSessionRegistry registry;

	@BeforeEach
	void emptyRedis() {
		this.template = redis.template();
		this.template.execute((connection) -> connection.serverCommands().flushAll()).blockLast();
		this.registry = new RedisSessionRegistry(this.template, LIFETIME);
	}

	@Override
	SessionRegistry registry() {
		return this.registry;
	}

	@Test
	void registerWhenLoginsThroughDistinctIdpSessionsThenOneSidKeyPerSessionWithLifetimeTtl() {
		for (int i = 0; i < 3; i++) {
			this.registry.register(SessionKey.of("session-" + i), "sid-" + i, "auth0|user-" + i, LOGIN).block();
		}

		assertThat(sidKeys()).hasSize(3);
		for (int i = 0; i < 3; i++) {
			assertThat(this.template.opsForSet().members("porter:logout:sid:sid-" + i).collectList().block())
				.containsExactly(SessionKey.of("session-" + i).value());
			assertThat(this.template.getExpire("porter:logout:sid:sid-" + i).block()).isPositive()
				.isLessThanOrEqualTo(LIFETIME);
		}
	}

	/**
	 * One command from the gateway, which Redis runs whole: cut off between adding and
	 * setting the expiry, a key would stay for good.
	 */
	@Test
	void registerThenSidAndSubKeysWrittenByOneCommandSoNoneIsLeftWithoutExpiry() throws Exception {
		try (RedisMonitor monitor = RedisMonitor.attach(redis.server())) {
			this.registry.register(SessionKey.of("laptop"), "sid-laptop", "auth0|alice", LOGIN).block();

			List<String> fromGateway = monitor.commands().stream().filter((line) -> !line.contains(" lua] ")).toList();
			// EVAL after EVALSHA when Redis does not know the script yet.
			assertThat(fromGateway).isNotEmpty()
				.allSatisfy((line) -> assertThat(line.toLowerCase(Locale.ROOT)).containsPattern("\"evalsha?\""));
		}
		assertThat(this.template.getExpire("porter:logout:sid:sid-laptop").block()).isPositive();
		assertThat(this.template.getExpire("porter:logout:sub:auth0|alice").block()).isPositive();
	}

	@Test
	void registerWhenLoginsShareOneIdpSessionThenOneSidKeyEndingAllOfThem() {
		this.registry.register(SessionKey.of("first-tab"), "sid-shared", "auth0|alice", LOGIN).block();
		this.registry.register(SessionKey.of("second-login"), "sid-shared", "auth0|alice", LOGIN).block();

		assertThat(sidKeys()).containsExactly("porter:logout:sid:sid-shared");
		Set<SessionKey> found = this.registry.findBySid("sid-shared").block();
		assertThat(found).containsExactlyInAnyOrder(SessionKey.of("first-tab"), SessionKey.of("second-login"));
		found.forEach((session) -> this.registry.unregister(session, "sid-shared", "auth0|alice").block());
		assertThat(sidKeys()).isEmpty();
	}

	/**
	 * A login under the IdP session while a back-channel logout ends what it found: the
	 * new session was not ended, so it must stay listed for the next one.
	 */
	@Test
	void unregisterWhenASessionRegisteredSinceTheyWereFoundThenItStaysListed() {
		this.registry.register(SessionKey.of("ended"), "sid-a", "auth0|alice", LOGIN).block();
		Set<SessionKey> found = this.registry.findBySid("sid-a").block();
		this.registry.register(SessionKey.of("meanwhile"), "sid-a", "auth0|alice", LOGIN).block();

		found.forEach((session) -> this.registry.unregister(session, "sid-a", "auth0|alice").block());

		assertThat(this.registry.findBySid("sid-a").block()).containsExactly(SessionKey.of("meanwhile"));
	}

	@Test
	void unregisterWhenLastSessionOfIdpSessionLogsOutThenKeyGone() {
		this.registry.register(SessionKey.of("first"), "sid-a", "auth0|alice", LOGIN).block();
		this.registry.register(SessionKey.of("second"), "sid-a", "auth0|alice", LOGIN).block();

		this.registry.unregister(SessionKey.of("first"), "sid-a", "auth0|alice").block();
		assertThat(this.template.opsForSet().members("porter:logout:sid:sid-a").collectList().block())
			.containsExactly(SessionKey.of("second").value());
		this.registry.unregister(SessionKey.of("second"), "sid-a", "auth0|alice").block();

		assertThat(sidKeys()).isEmpty();
		assertThat(this.template.keys("porter:logout:*").collectList().block()).isEmpty();
	}

	@Test
	void findBySidWhenSetHoldsAnIdAnEarlierVersionStoredThenOnlyKeysFound() {
		this.registry.register(SessionKey.of("current"), "sid-a", "auth0|alice", LOGIN).block();
		this.template.opsForSet().add("porter:logout:sid:sid-a", UUID.randomUUID().toString()).block();

		assertThat(this.registry.findBySid("sid-a").block()).containsExactly(SessionKey.of("current"));
	}

	@Test
	void loggedOutSidThenTheLogoutRememberedForTheLogoutMemoryOnly() {
		this.registry.loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block();

		// As long as a callback may run (login.CallbackStart), not much less.
		assertThat(this.template.getExpire("porter:logout:ended:sid:sid-a").block())
			.isBetween(SessionRegistry.LOGOUT_MEMORY.minusSeconds(10), SessionRegistry.LOGOUT_MEMORY);
	}

	private Set<String> sidKeys() {
		return Set.copyOf(this.template.keys("porter:logout:sid:*").collectList().block());
	}

}
