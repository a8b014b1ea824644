package dev.porter.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import dev.porter.gateway.redis.InstanceClocks;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisMonitor;
import dev.porter.gateway.support.RedisTemplateExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The back-channel registry against a real {@code redis-server}: its
 * {@code porter:logout:sid:*} keys count IdP sessions, not gateway sessions. Logins
 * through one IdP session (single sign-on: the browser still signed in at the IdP) share
 * one key; a key disappears with its last session and never outlives the absolute
 * lifetime of the latest login under it, nor holds a session registered longer ago than
 * that (and the instances' clock skew). Sets an earlier version wrote (plain sets) are
 * taken over by whatever touches them.
 */
class RedisSessionRegistryTests extends SessionRegistryContract {

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private final MovableClock clock = new MovableClock(LOGIN);

	private ReactiveStringRedisTemplate template;

	private RedisSessionRegistry registry;

	@BeforeEach
	void emptyRedis() {
		this.template = redis.template();
		this.template.execute((connection) -> connection.serverCommands().flushAll()).blockLast();
		this.registry = new RedisSessionRegistry(this.template, LIFETIME, this.clock);
	}

	@Override
	SessionRegistry registry() {
		return this.registry;
	}

	@Override
	void advance(Duration duration) {
		this.clock.advance(duration);
	}

	/** Redis holds no more than the registry lists: the sets are bounded. */
	@Test
	void registerWhenTheUserKeepsSigningInThenTheSetsHoldOnlyTheLastLifetimesSessions() {
		List<SessionKey> sessions = signInEveryFiveHours();

		List<String> live = sessions.subList(3, 6).stream().map(SessionKey::value).toList();
		assertThat(members("porter:logout:sid:sid-a")).containsExactlyInAnyOrderElementsOf(live);
		assertThat(members("porter:logout:sub:auth0|alice")).containsExactlyInAnyOrderElementsOf(live);
	}

	/**
	 * Another instance may have registered a session on a clock up to the skew allowance
	 * behind this one's: it is kept that much longer than the lifetime.
	 */
	@Test
	void registerWhenASessionRegisteredMoreThanALifetimeAndTheSkewAllowanceAgoThenItLeavesTheSets() {
		Duration kept = LIFETIME.plus(InstanceClocks.SKEW_ALLOWANCE);
		this.registry.register(SessionKey.of("old"), "sid-a", "auth0|alice", LOGIN).block();
		this.clock.advance(kept);
		this.registry.register(SessionKey.of("new"), "sid-a", "auth0|alice", LOGIN.plus(kept)).block();

		assertThat(this.registry.findBySub("auth0|alice").block()).containsExactlyInAnyOrder(SessionKey.of("old"),
				SessionKey.of("new"));

		this.clock.advance(Duration.ofMillis(1));
		this.registry.register(SessionKey.of("newer"), "sid-b", "auth0|alice", LOGIN.plus(kept)).block();

		assertThat(this.registry.findBySub("auth0|alice").block()).containsExactlyInAnyOrder(SessionKey.of("new"),
				SessionKey.of("newer"));
		assertThat(this.registry.findBySid("sid-a").block()).containsExactlyInAnyOrder(SessionKey.of("old"),
				SessionKey.of("new"));
	}

	@Test
	void registerWhenLoginsThroughDistinctIdpSessionsThenOneSidKeyPerSessionWithLifetimeTtl() {
		for (int i = 0; i < 3; i++) {
			this.registry.register(SessionKey.of("session-" + i), "sid-" + i, "auth0|user-" + i, LOGIN).block();
		}

		assertThat(sidKeys()).hasSize(3);
		for (int i = 0; i < 3; i++) {
			assertThat(members("porter:logout:sid:sid-" + i)).containsExactly(SessionKey.of("session-" + i).value());
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
		assertThat(members("porter:logout:sid:sid-a")).containsExactly(SessionKey.of("second").value());
		this.registry.unregister(SessionKey.of("second"), "sid-a", "auth0|alice").block();

		assertThat(sidKeys()).isEmpty();
		assertThat(this.template.keys("porter:logout:*").collectList().block()).isEmpty();
	}

	@Test
	void findBySidWhenSetHoldsAnIdAnEarlierVersionStoredThenOnlyKeysFound() {
		this.registry.register(SessionKey.of("current"), "sid-a", "auth0|alice", LOGIN).block();
		this.template.opsForZSet()
			.add("porter:logout:sid:sid-a", UUID.randomUUID().toString(), LOGIN.toEpochMilli())
			.block();

		assertThat(this.registry.findBySid("sid-a").block()).containsExactly(SessionKey.of("current"));
	}

	@Test
	void loggedOutSidThenTheLogoutRememberedForTheLogoutMemoryOnly() {
		this.registry.loggedOutSid("sid-a", LOGIN.plusSeconds(1)).block();

		// As long as a callback may run (login.CallbackStart), not much less.
		assertThat(this.template.getExpire("porter:logout:ended:sid:sid-a").block())
			.isBetween(SessionRegistry.LOGOUT_MEMORY.minusSeconds(10), SessionRegistry.LOGOUT_MEMORY);
	}

	@Test
	void findBySidWhenTheSetWasWrittenBeforeRegistrationsWereScoredThenItsSessionsFound() {
		writeTheOldWay("porter:logout:sid:sid-a", SessionKey.of("old"));

		assertThat(this.registry.findBySid("sid-a").block()).containsExactly(SessionKey.of("old"));
		assertTakenOver("porter:logout:sid:sid-a", SessionKey.of("old"));
	}

	@Test
	void findBySubWhenTheSetWasWrittenBeforeRegistrationsWereScoredThenItsSessionsFound() {
		writeTheOldWay("porter:logout:sub:auth0|alice", SessionKey.of("old"));

		assertThat(this.registry.findBySub("auth0|alice").block()).containsExactly(SessionKey.of("old"));
		assertTakenOver("porter:logout:sub:auth0|alice", SessionKey.of("old"));
	}

	@Test
	void registerWhenTheSetsWereWrittenBeforeRegistrationsWereScoredThenBothSessionsListed() {
		writeTheOldWay("porter:logout:sid:sid-a", SessionKey.of("old"));
		writeTheOldWay("porter:logout:sub:auth0|alice", SessionKey.of("old"));

		assertThat(this.registry.register(SessionKey.of("new"), "sid-a", "auth0|alice", LOGIN).block()).isFalse();

		assertThat(this.registry.findBySid("sid-a").block()).containsExactlyInAnyOrder(SessionKey.of("old"),
				SessionKey.of("new"));
		assertThat(this.registry.findBySub("auth0|alice").block()).containsExactlyInAnyOrder(SessionKey.of("old"),
				SessionKey.of("new"));
	}

	@Test
	void unregisterWhenTheSetsWereWrittenBeforeRegistrationsWereScoredThenTheSessionLeavesThem() {
		writeTheOldWay("porter:logout:sid:sid-a", SessionKey.of("old"), SessionKey.of("other"));
		writeTheOldWay("porter:logout:sub:auth0|alice", SessionKey.of("old"), SessionKey.of("other"));

		this.registry.unregister(SessionKey.of("old"), "sid-a", "auth0|alice").block();

		assertThat(this.registry.findBySid("sid-a").block()).containsExactly(SessionKey.of("other"));
		assertThat(this.registry.findBySub("auth0|alice").block()).containsExactly(SessionKey.of("other"));
		assertTakenOver("porter:logout:sid:sid-a", SessionKey.of("other"));
	}

	/** What a back-channel logout runs first: it must find the sessions to end them. */
	@Test
	void loggedOutSidAndSubWhenTheSetsWereWrittenBeforeRegistrationsWereScoredThenTheirSessionsFound() {
		writeTheOldWay("porter:logout:sid:sid-a", SessionKey.of("old"));
		writeTheOldWay("porter:logout:sub:auth0|bob", SessionKey.of("bobs"));

		assertThat(this.registry.loggedOutSid("sid-a", LOGIN).block()).containsExactly(SessionKey.of("old"));
		assertThat(this.registry.loggedOutSub("auth0|bob", LOGIN).block()).containsExactly(SessionKey.of("bobs"));
		assertTakenOver("porter:logout:sid:sid-a", SessionKey.of("old"));
		assertTakenOver("porter:logout:sub:auth0|bob", SessionKey.of("bobs"));
	}

	/**
	 * An earlier version did not keep when its sessions registered: they count as
	 * registered when taken over, and leave one lifetime (and the skew allowance) later.
	 */
	@Test
	void registerWhenTheSetWasTakenOverALifetimeAgoThenItsOldSessionsLeave() {
		writeTheOldWay("porter:logout:sub:auth0|alice", SessionKey.of("old"));
		this.registry.findBySub("auth0|alice").block();
		Duration kept = LIFETIME.plus(InstanceClocks.SKEW_ALLOWANCE);

		this.clock.advance(kept);
		this.registry.register(SessionKey.of("new"), "sid-a", "auth0|alice", LOGIN.plus(kept)).block();
		assertThat(this.registry.findBySub("auth0|alice").block()).contains(SessionKey.of("old"));

		this.clock.advance(Duration.ofMillis(1));
		this.registry.register(SessionKey.of("newer"), "sid-b", "auth0|alice", LOGIN.plus(kept)).block();
		assertThat(this.registry.findBySub("auth0|alice").block()).containsExactlyInAnyOrder(SessionKey.of("new"),
				SessionKey.of("newer"));
	}

	/**
	 * As the version before sorted sets wrote them: SADD, then PEXPIRE to the lifetime.
	 */
	private void writeTheOldWay(String key, SessionKey... sessions) {
		for (SessionKey session : sessions) {
			this.template.opsForSet().add(key, session.value()).block();
		}
		this.template.expire(key, LIFETIME.minusHours(1)).block();
	}

	/**
	 * The set is a sorted set now, its sessions registered when it was taken over, and
	 * its expiry kept.
	 */
	private void assertTakenOver(String key, SessionKey... sessions) {
		assertThat(this.template.type(key).block()).isEqualTo(DataType.ZSET);
		for (SessionKey session : sessions) {
			assertThat(this.template.opsForZSet().score(key, session.value()).block())
				.isEqualTo((double) LOGIN.toEpochMilli());
		}
		assertThat(this.template.getExpire(key).block()).isPositive().isLessThanOrEqualTo(LIFETIME.minusHours(1));
	}

	private List<String> members(String key) {
		return this.template.opsForZSet().range(key, Range.unbounded()).collectList().block();
	}

	private Set<String> sidKeys() {
		return Set.copyOf(this.template.keys("porter:logout:sid:*").collectList().block());
	}

}
