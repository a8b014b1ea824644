package dev.porter.gateway.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.RedisTemplateExtension;
import io.lettuce.core.KillArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link RedisKeyTracking} against a real {@code redis-server}: told of every change to a
 * tracked key by any client, and trusting nothing it cannot vouch for — before tracking
 * is on, after its connection was lost, once the connection stopped answering, after a
 * flush — and asking again when turning it on failed.
 */
class RedisKeyTrackingTests {

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	/** Longer than any test: only the tests' clock decides when an answer is old. */
	private static final Duration HEARTBEAT = Duration.ofHours(1);

	private final MovableClock clock = new MovableClock(Instant.now());

	private final List<String> invalidated = new CopyOnWriteArrayList<>();

	private final ReactiveStringRedisTemplate other = redis.template();

	/** Names this test's tracking connection among those earlier tests left open. */
	private final String clientName = "tracking-" + UUID.randomUUID();

	private final RedisKeyTracking tracking = redis.keyTracking(this.clock::nanoTime, HEARTBEAT,
			(uri) -> uri.withClientName(this.clientName));

	@Test
	void stampWhenNotStartedThenNothingTrusted() {
		this.tracking.track("test:a:", this::record);

		long stamp = this.tracking.stamp();

		assertThat(stamp).isEqualTo(RedisKeyTracking.NOT_TRACKING);
		assertThat(this.tracking.unchangedSince(stamp)).isFalse();
		assertThat(this.tracking.trusts(stamp)).isFalse();
	}

	@Test
	void keyWrittenByAnotherClientThenItsNameReceivedAndTheStampMovesOn() {
		long stamp = started("test:b:");
		assertThat(this.tracking.unchangedSince(stamp)).isTrue();
		assertThat(this.tracking.trusts(stamp)).isTrue();

		this.other.opsForValue().set("test:other:1", "x").block();
		this.other.opsForValue().set("test:b:1", "x").block();

		// Redis sends in order: had the untracked key been announced, it came first.
		awaitInvalidated("test:b:1");
		assertThat(this.invalidated).containsExactly("test:b:1");
		assertThat(this.tracking.unchangedSince(stamp)).isFalse();
		assertThat(this.tracking.trusts(stamp)).as("a kept value is distrusted by its key, not by the stamp").isTrue();
	}

	@Test
	void keyDeletedOrExpiredThenItsNameReceived() {
		started("test:c:");

		this.other.opsForValue().set("test:c:gone", "x").block();
		this.other.delete("test:c:gone").block();
		this.other.opsForValue().set("test:c:short", "x", Duration.ofMillis(1)).block();

		Eventually.await("the expiry announced", PATIENCE, () -> {
			// Redis expires a key when it is next touched, or by its own sweep.
			this.other.hasKey("test:c:short").block();
			return this.invalidated.stream().filter("test:c:short"::equals).count() == 2;
		});
		assertThat(this.invalidated).startsWith("test:c:gone", "test:c:gone");
	}

	@Test
	void connectionLostThenOlderStampsNotTrustedAndTrackingOnAgainAfterTheReconnect() {
		long before = started("test:d:");

		killTrackingConnection(this.clientName);
		Eventually.await("the tracking lost", PATIENCE, () -> !this.tracking.trusts(before));
		Eventually.await("the tracking on again", PATIENCE,
				() -> this.tracking.stamp() != RedisKeyTracking.NOT_TRACKING);

		long after = this.tracking.stamp();
		assertThat(this.tracking.trusts(before)).isFalse();
		assertThat(this.tracking.trusts(after)).isTrue();
		this.other.opsForValue().set("test:d:1", "x").block();
		awaitInvalidated("test:d:1");
	}

	@Test
	void noAnswerForThreeHeartbeatsThenNothingTrustedUntilItAnswersAgain() {
		long stamp = started("test:e:");

		this.clock.advance(HEARTBEAT.multipliedBy(3).plusMillis(1));

		assertThat(this.tracking.trusts(stamp)).isFalse();
		assertThat(this.tracking.stamp()).isEqualTo(RedisKeyTracking.NOT_TRACKING);
	}

	@Test
	void noAnswerForThreeHeartbeatsWhenTheMonotonicClockReadsNegativeThenNothingTrusted() {
		// System.nanoTime's origin is arbitrary, its readings may be negative: an answer
		// time that started at zero was "later" than every one of them, so the first
		// answer never moved it and the connection was trusted however long it kept
		// silent.
		RedisKeyTracking tracking = redis.keyTracking(() -> this.clock.nanoTime() - Long.MAX_VALUE / 2, HEARTBEAT);
		tracking.track("test:j:", this::record);
		tracking.start();
		Eventually.await("tracking on", PATIENCE, () -> tracking.stamp() != RedisKeyTracking.NOT_TRACKING);
		long stamp = tracking.stamp();

		this.clock.advance(HEARTBEAT.multipliedBy(3).plusMillis(1));

		assertThat(tracking.trusts(stamp)).isFalse();
		assertThat(tracking.stamp()).isEqualTo(RedisKeyTracking.NOT_TRACKING);
	}

	@Test
	void wallClockSteppedBackThenTheLastAnswerAgesAllTheSame() {
		// NTP stepping the time back, or a VM resumed: by the wall clock, an answer three
		// heartbeats old looked two heartbeats old, and vouched for a connection that may
		// have stopped delivering for as long as the step.
		long stamp = started("test:g:");

		this.clock.advance(HEARTBEAT.multipliedBy(2));
		this.clock.moveTo(this.clock.instant().minus(HEARTBEAT));
		this.clock.advance(HEARTBEAT.plusMillis(1));

		assertThat(this.tracking.trusts(stamp)).isFalse();
		assertThat(this.tracking.stamp()).isEqualTo(RedisKeyTracking.NOT_TRACKING);
	}

	@Test
	void pingAnsweredLateThenItsAnswerCountsFromWhenItWasSent() {
		// A connection whose answers come late but come (a congested way back): an
		// answer says that nothing Redis sent before the ping is still on its way, not
		// that nothing sent before the answer arrived is. Timed from its arrival, every
		// late answer looked fresh, and the connection was trusted for as long as it
		// kept answering, however late.
		long stamp = started("test:i:");
		pauseRedis(Duration.ofSeconds(1));

		CompletableFuture<Void> answered = this.tracking.heartbeat();
		this.clock.advance(HEARTBEAT.multipliedBy(3).plusMillis(1));
		answered.orTimeout(PATIENCE.toMillis(), TimeUnit.MILLISECONDS).join();

		assertThat(this.tracking.trusts(stamp)).isFalse();
		assertThat(this.tracking.stamp()).isEqualTo(RedisKeyTracking.NOT_TRACKING);
	}

	@Test
	void connectedToAReplicaThenNothingTrustedAndTheConnectionLeavesIt() throws Exception {
		// An address that still names a primary demoted by a failover (a DNS record not
		// updated yet): Redis turns tracking on there too, and the replica, its link to
		// the new primary down, hears of none of its writes.
		try (RedisServer replica = RedisServer.start()) {
			RedisAdmin.call(replica.url(), (commands) -> commands.replicaof("127.0.0.1", RedisServer.freePort()));
			RedisKeyTracking tracking = redis.keyTracking(replica.url(), this.clock::nanoTime, HEARTBEAT);
			tracking.track("test:k:", this::record);

			tracking.start();

			Eventually.await("the tracking connection gone from the replica once it turned tracking on", PATIENCE,
					() -> RedisAdmin.call(replica.url(), (commands) -> commands.info("commandstats"))
						.contains("cmdstat_client|tracking:calls=")
							&& RedisAdmin.call(replica.url(), (commands) -> commands.clientList())
								.lines()
								.noneMatch((client) -> client.matches(".* flags=\\w*t\\w* .*")));
			assertThat(tracking.stamp()).isEqualTo(RedisKeyTracking.NOT_TRACKING);
		}
	}

	@Test
	void flushThenEveryListenerToldAndOlderStampsNotTrusted() {
		long stamp = started("test:f:");

		this.other.execute((connection) -> connection.serverCommands().flushAll()).blockLast();

		awaitInvalidated("*");
		assertThat(this.tracking.trusts(stamp)).isFalse();
		assertThat(this.tracking.trusts(this.tracking.stamp())).isTrue();
	}

	@Test
	void notTurnedOnThenAskedAgainOnTheSameConnectionUntilRedisAgrees() {
		// A refusal first (an ACL without CLIENT TRACKING), then consent, on one
		// connection: as a command that timed out is, a failed turning on must be asked
		// again, not taken as the answer for the connection's life.
		acl("SETUSER", "tracker", "reset", "on", ">tracker-password", "~*", "&*", "+@all", "-client|tracking");
		RedisKeyTracking tracking = redis.keyTracking(this.clock::nanoTime, Duration.ofMillis(50),
				(uri) -> uri.withAuthentication("tracker", "tracker-password"));
		tracking.track("test:g:", this::record);
		try {
			tracking.start();
			Eventually.await("the turning on refused", PATIENCE, () -> refused("tracker"));
			assertThat(tracking.stamp()).isEqualTo(RedisKeyTracking.NOT_TRACKING);

			acl("SETUSER", "tracker", "+client|tracking");

			Eventually.await("tracking on", PATIENCE, () -> tracking.stamp() != RedisKeyTracking.NOT_TRACKING);
			this.other.opsForValue().set("test:g:1", "x").block();
			awaitInvalidated("test:g:1");
		}
		finally {
			tracking.shutdown().orTimeout(5, TimeUnit.SECONDS).join();
		}
	}

	@Test
	void prefixOverlappingOneTrackedThenRefusedBeforeRedisIsAsked() {
		// Redis would refuse the pair with "Prefix ... overlaps ...", which must never
		// be mistaken for its answer that tracking is on already.
		this.tracking.track("test:h:", this::record);

		assertThatIllegalArgumentException().isThrownBy(() -> this.tracking.track("test:h:1:", this::record))
			.withMessageContaining("'test:h:1:'")
			.withMessageContaining("'test:h:'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.tracking.track("test:", this::record));
		this.tracking.track("test:hh:", this::record);
	}

	private long started(String prefix) {
		this.tracking.track(prefix, this::record);
		this.tracking.start();
		Eventually.await("tracking on", PATIENCE, () -> this.tracking.stamp() != RedisKeyTracking.NOT_TRACKING);
		return this.tracking.stamp();
	}

	private void record(String key) {
		this.invalidated.add((key != null) ? key : "*");
	}

	private void awaitInvalidated(String key) {
		Eventually.await(key + " announced", PATIENCE, () -> this.invalidated.contains(key));
	}

	/** Kills the connection named {@code name}, once it turned tracking on. */
	private static void killTrackingConnection(String name) {
		admin((commands) -> {
			List<String> tracking = commands.clientList()
				.lines()
				.filter((client) -> client.contains(" name=" + name + " "))
				.filter((client) -> client.matches(".* flags=\\w*t\\w* .*"))
				.toList();
			assertThat(tracking).hasSize(1);
			String id = tracking.get(0).replaceFirst("^id=(\\d+) .*", "$1");
			assertThat(commands.clientKill(KillArgs.Builder.id(Long.parseLong(id)))).isEqualTo(1);
			return null;
		});
	}

	/**
	 * Redis holds every client's commands for {@code duration}, then answers them in the
	 * order they came: a connection whose answers come that much later.
	 */
	private static void pauseRedis(Duration duration) {
		admin((commands) -> commands.clientPause(duration.toMillis()));
	}

	/** {@code ACL arguments...}, as an operator would give it. */
	private static void acl(String... arguments) {
		admin((commands) -> commands.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).addKeys(arguments)));
	}

	/** Whether Redis logged a command it refused to {@code user}. */
	private static boolean refused(String user) {
		return admin((commands) -> commands.aclLog()
			.stream()
			.anyMatch((entry) -> user.equals(entry.get("username")) && "command".equals(entry.get("reason"))));
	}

	private static <T> T admin(Function<RedisCommands<String, String>, T> command) {
		return RedisAdmin.call(redis.server().url(), command);
	}

}
