package dev.porter.profile.cache;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.porter.common.UnansweredConnections;
import dev.porter.profile.testsupport.PausingRedis;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import dev.porter.testsupport.VanishingProxy;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/** The bus against a real {@code redis-server}, and against none. */
@ExtendWith(OutputCaptureExtension.class)
class RedisInvalidationBusTests {

	private static final String CHANNEL = "porter:test:invalidate";

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	/**
	 * How long a connection, or a publish, waits for a Redis that never answers when a
	 * test means it to wait for as long as the test runs.
	 */
	private static final Duration SILENT_FOR = Duration.ofMinutes(1);

	/**
	 * How long a connection waits for Redis to answer when a test means it to outlast a
	 * publish, and to end within the test.
	 */
	private static final Duration CONNECTING_FOR = Duration.ofSeconds(10);

	/**
	 * How long the shared connection stays down once Redis dropped it: more than the
	 * heartbeat, less than the silence after which a subscription is made again.
	 */
	private static final Duration RECONNECTING_FOR = Duration.ofMillis(1500);

	private static RedisServer redis;

	/** Started by a test after its listener, on the port the listener was given. */
	private static RedisServer late;

	private final List<Disposable> announcers = new ArrayList<>();

	@BeforeAll
	static void startRedis() throws Exception {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@AfterEach
	void stopAnnouncing() {
		this.announcers.forEach(Disposable::dispose);
	}

	@Test
	void publishWhenAnotherInstanceListensThenItHearsTheKey() {
		LettuceConnectionFactory factory = factory(redis.url());
		try {
			RedisInvalidationBus writer = bus(factory, new SimpleMeterRegistry());
			SimpleMeterRegistry readerMeters = new SimpleMeterRegistry();
			RedisInvalidationBus reader = bus(factory, readerMeters);
			// the listener's SUBSCRIBE has no completion signal: announce until heard
			StepVerifier.create(keys(reader).take(1))
				.then(() -> announceRepeatedly(writer, "auth0|alice"))
				.expectNext("auth0|alice")
				.expectComplete()
				.verify(Duration.ofSeconds(10));
			assertThat(readerMeters.get("profile.cache.invalidations").tag("outcome", "received").counter().count())
				.isEqualTo(1);
		}
		finally {
			stopAnnouncing();
			factory.destroy();
		}
	}

	@Test
	void remoteChangesWhenInstanceAnnouncesItselfThenOnlyOthersKeysHeard() {
		LettuceConnectionFactory factory = factory(redis.url());
		try {
			RedisInvalidationBus self = bus(factory, new SimpleMeterRegistry());
			RedisInvalidationBus other = bus(factory, new SimpleMeterRegistry());
			// every tick this instance announces first, the other second: without the
			// filter the first key heard would be this instance's own
			StepVerifier.create(keys(self).take(1))
				.then(() -> this.announcers.add(self.publish("auth0|own")
					.then(other.publish("auth0|other"))
					.then(Mono.delay(Duration.ofMillis(50)))
					.repeat()
					.subscribe()))
				.expectNext("auth0|other")
				.expectComplete()
				.verify(Duration.ofSeconds(10));
		}
		finally {
			stopAnnouncing();
			factory.destroy();
		}
	}

	/**
	 * Each instance hears its own heartbeat, on a channel of its own: a subscription that
	 * works is never taken for a silent one, and the heartbeats are neither invalidations
	 * nor heard by the other instances.
	 */
	@Test
	void remoteChangesWhenListeningThenOwnHeartbeatsHeardAndNoneCountedAsAChange() {
		LettuceConnectionFactory factory = factory(redis.url());
		SimpleMeterRegistry selfMeters = new SimpleMeterRegistry();
		SimpleMeterRegistry otherMeters = new SimpleMeterRegistry();
		Disposable self = bus(factory, selfMeters).remoteChanges().subscribe();
		Disposable other = bus(factory, otherMeters).remoteChanges().subscribe();
		try {
			Eventually.await("two of its own heartbeats heard", Duration.ofSeconds(10),
					() -> count(selfMeters, "heartbeat") >= 2 && count(otherMeters, "heartbeat") >= 2);

			assertThat(count(selfMeters, "received")).isZero();
			assertThat(count(otherMeters, "received")).isZero();
			assertThat(count(selfMeters, "heartbeat_missed")).as("heard in order").isZero();
			assertThat(count(otherMeters, "heartbeat_missed")).as("heard in order").isZero();
		}
		finally {
			self.dispose();
			other.dispose();
			factory.destroy();
		}
	}

	private static double count(SimpleMeterRegistry meters, String outcome) {
		var counter = meters.find("profile.cache.invalidations").tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void publishWhenRedisUnreachableThenCompletesWithinTimeoutAndCountsFailure() throws Exception {
		LettuceConnectionFactory factory = factory("redis://127.0.0.1:" + RedisServer.freePort());
		try {
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			RedisInvalidationBus bus = bus(factory, meters);

			StepVerifier.create(bus.publish("auth0|alice")).expectComplete().verify(TIMEOUT.plusSeconds(1));
			assertThat(meters.get("profile.cache.invalidations").tag("outcome", "publish_failed").counter().count())
				.isEqualTo(1);
		}
		finally {
			stopAnnouncing();
			factory.destroy();
		}
	}

	/**
	 * A metadata update publishes on the event loop that serves it. Opening the first
	 * connection to a Redis that takes it and never answers must not hold that loop (and
	 * every request queued on it) for the connection's timeout: only the publish waits.
	 * Nothing times out here before the test ends the silence, so a publish still waiting
	 * when the calling thread is back is one that did not hold it.
	 */
	@Test
	void publishWhenRedisNeverAnswersThenCallingThreadNotHeld() throws Exception {
		ServerSocket silentRedis = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		LettuceConnectionFactory factory = factory("redis://127.0.0.1:" + silentRedis.getLocalPort(), SILENT_FOR);
		try {
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			RedisInvalidationBus bus = new RedisInvalidationBus(factory, CHANNEL, SILENT_FOR, meters);
			CountDownLatch published = new CountDownLatch(1);

			bus.publish("auth0|alice").subscribe(null, null, published::countDown);

			assertThat(published.getCount()).as("publishes still waiting for Redis once the calling thread is back")
				.isOne();
			// Redis resets the connection: the publish fails, and only then.
			silentRedis.close();
			assertThat(published.await(10, TimeUnit.SECONDS)).as("the publish ended").isTrue();
			assertThat(count(meters, "publish_failed")).isEqualTo(1);
		}
		finally {
			silentRedis.close();
			factory.destroy();
		}
	}

	/**
	 * Redis never answers, and the connection would wait for it longer than the test
	 * does: a publish that ends at all was ended by its own timeout.
	 */
	@Test
	void publishWhenRedisNeverAnswersThenEndsAtItsTimeoutAndCountsFailure() throws Exception {
		try (ServerSocket silentRedis = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			LettuceConnectionFactory factory = factory("redis://127.0.0.1:" + silentRedis.getLocalPort(), SILENT_FOR);
			try {
				SimpleMeterRegistry meters = new SimpleMeterRegistry();
				RedisInvalidationBus bus = bus(factory, meters);
				CountDownLatch published = new CountDownLatch(1);

				bus.publish("auth0|alice").subscribe(null, null, published::countDown);

				assertThat(published.await(10, TimeUnit.SECONDS)).as("the publish ended").isTrue();
				assertThat(count(meters, "publish_failed")).isEqualTo(1);
			}
			finally {
				// The connection still waiting gives up at once.
				silentRedis.close();
				factory.destroy();
			}
		}
	}

	/**
	 * Redis takes the connection and answers it only after the publish has given up: the
	 * connection went on without it. Cancelled, the thread making it was interrupted:
	 * Reactor logged that failure as dropped, at ERROR with its stack trace, once per
	 * publish while Redis was slow, and Lettuce finished the connection all the same,
	 * open with nobody to close it until the service stopped.
	 */
	@Test
	void publishWhenRedisAnswersTheConnectionPastThePublishTimeoutThenNothingLoggedNorLeftOpen(CapturedOutput output)
			throws Exception {
		try (PausingRedis slowRedis = PausingRedis.start()) {
			LettuceConnectionFactory factory = factory(slowRedis.url(), CONNECTING_FOR);
			try {
				SimpleMeterRegistry meters = new SimpleMeterRegistry();
				RedisInvalidationBus bus = bus(factory, meters);
				slowRedis.pause(TIMEOUT.multipliedBy(4));

				StepVerifier.create(bus.publish("auth0|alice")).expectComplete().verify(CONNECTING_FOR);
				assertThat(count(meters, "publish_failed")).isEqualTo(1);

				slowRedis.awaitAnswering();
				StepVerifier.create(bus.publish("auth0|bob")).expectComplete().verify(CONNECTING_FOR);
				assertThat(count(meters, "published")).isEqualTo(1);
				assertThat(slowRedis.othersConnections()).as("the bus's connections").isOne();
			}
			finally {
				factory.destroy();
			}
		}
		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("\tat ");
	}

	@Test
	void remoteChangesWhenRedisStartsAfterListenerThenHearsOnceUp() throws Exception {
		int port = RedisServer.freePort();
		LettuceConnectionFactory factory = factory("redis://127.0.0.1:" + port);
		try {
			RedisInvalidationBus writer = bus(factory, new SimpleMeterRegistry());
			RedisInvalidationBus reader = bus(factory, new SimpleMeterRegistry());
			StepVerifier.create(keys(reader).take(1))
				.then(() -> startRedisOn(port))
				.then(() -> announceRepeatedly(writer, "auth0|late"))
				.expectNext("auth0|late")
				.expectComplete()
				.verify(Duration.ofSeconds(15));
		}
		finally {
			stopAnnouncing();
			factory.destroy();
			stopLateRedis();
		}
	}

	@Test
	void remoteChangesWhenRedisComesBackAfterFailedSubscriptionsThenLostOnceAndBackOnce(CapturedOutput output)
			throws Exception {
		int port = RedisServer.freePort();
		LettuceConnectionFactory factory = factory("redis://127.0.0.1:" + port);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		Disposable listening = bus(factory, meters).remoteChanges().subscribe();
		try {
			Eventually.await("several subscriptions failed", Duration.ofSeconds(15),
					() -> count(meters, "subscribe_failed") >= 4);
			startRedisOn(port);
			Eventually.await("the channel works again", Duration.ofSeconds(15), () -> count(meters, "heartbeat") >= 2);
		}
		finally {
			listening.dispose();
			factory.destroy();
			stopLateRedis();
		}
		assertThat(output.getOut().lines().filter((line) -> line.contains("channel unavailable"))).hasSize(1);
		assertThat(output.getOut().lines().filter((line) -> line.contains("channel back"))).hasSize(1);
	}

	/**
	 * Redis's host vanishes without a reset and Redis comes back behind the same address:
	 * a subscription never writes, so nothing would ever tell that its connection is
	 * dead, and every other instance's change would go unheard here until a restart.
	 */
	@Test
	void remoteChangesWhenRedisHostVanishedAndCameBackThenOthersKeysHeardAgain() throws Exception {
		try (VanishingProxy redisHost = VanishingProxy.to(redis.port())) {
			ClientResources resources = DefaultClientResources.builder()
				.nettyCustomizer(new UnansweredConnections(TIMEOUT))
				.build();
			LettuceConnectionFactory readerFactory = factory("redis://127.0.0.1:" + redisHost.port(), resources);
			LettuceConnectionFactory writerFactory = factory(redis.url());
			Queue<RemoteChange> heard = new ConcurrentLinkedQueue<>();
			Disposable listening = bus(readerFactory, new SimpleMeterRegistry()).remoteChanges().subscribe(heard::add);
			try {
				RedisInvalidationBus writer = bus(writerFactory, new SimpleMeterRegistry());
				announceRepeatedly(writer, "auth0|before");
				Eventually.await("a change heard before", Duration.ofSeconds(10),
						() -> heard.contains(RemoteChange.of("auth0|before")));
				stopAnnouncing();

				redisHost.vanish();
				redisHost.serverBack();
				announceRepeatedly(writer, "auth0|after");

				Eventually.await("a change heard once Redis is back", Duration.ofSeconds(15),
						() -> heard.contains(RemoteChange.of("auth0|after")));
				List<RemoteChange> inOrder = List.copyOf(heard);
				assertThat(inOrder.subList(inOrder.lastIndexOf(RemoteChange.of("auth0|before")),
						inOrder.indexOf(RemoteChange.of("auth0|after"))))
					.as("told, before the first change heard again, that some may have gone unheard")
					.contains(RemoteChange.ANY_KEY);
			}
			finally {
				listening.dispose();
				stopAnnouncing();
				readerFactory.destroy();
				writerFactory.destroy();
				resources.shutdown();
			}
		}
	}

	/**
	 * What was announced before an instance's subscription was confirmed reached nobody
	 * there, the first subscription's included: entries it cached before then are as
	 * unchecked as after a gap.
	 */
	@Test
	void remoteChangesWhenSubscribedThenFirstTellsThatChangesMayHaveGoneUnheard() {
		LettuceConnectionFactory factory = factory(redis.url());
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		try {
			StepVerifier.create(bus(factory, meters).remoteChanges().take(1))
				.expectNext(RemoteChange.ANY_KEY)
				.expectComplete()
				.verify(Duration.ofSeconds(10));
			assertThat(count(meters, "subscribed")).isEqualTo(1);
		}
		finally {
			factory.destroy();
		}
	}

	/**
	 * Redis drops the subscribers' connections (a restart, a failover, {@code CLIENT
	 * KILL}) and the reader's client subscribes again: what was announced in between
	 * reached nobody there, and nothing says which keys it named.
	 */
	@Test
	void remoteChangesWhenRedisDroppedTheSubscriptionThenTellsThatChangesMayHaveGoneUnheardOnceBack() {
		LettuceConnectionFactory factory = factory(redis.url());
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		Queue<RemoteChange> heard = new ConcurrentLinkedQueue<>();
		Disposable listening = bus(factory, meters).remoteChanges().subscribe(heard::add);
		try {
			Eventually.await("subscribed and hearing its heartbeats", Duration.ofSeconds(10),
					() -> count(meters, "heartbeat") >= 1);
			assertThat(heard).containsExactly(RemoteChange.ANY_KEY);

			admin((commands) -> assertThat(commands.clientKill(KillArgs.Builder.typePubsub())).isPositive());

			Eventually.await("subscribed again", Duration.ofSeconds(10), () -> count(meters, "subscribed") >= 2);
			Eventually.await("told so", Duration.ofSeconds(10), () -> heard.size() >= 2);
			double heardWhenBack = count(meters, "heartbeat");
			Eventually.await("its heartbeats heard again", Duration.ofSeconds(10),
					() -> count(meters, "heartbeat") >= heardWhenBack + 2);
			assertThat(heard).containsOnly(RemoteChange.ANY_KEY);
			assertThat(count(meters, "heartbeat_missed")).as("those lost meanwhile are not told again").isZero();
		}
		finally {
			listening.dispose();
			factory.destroy();
		}
	}

	/**
	 * A heartbeat that never came back through a subscription that hears the next one:
	 * Redis did not deliver it, or did not take it, and another instance's announcement
	 * may have gone the same way. Redis loses nothing on a live connection of its own
	 * accord, so the test stands in for a lost heartbeat by sending, on the reader's
	 * heartbeat channel, one out of turn.
	 */
	@Test
	void remoteChangesWhenAHeartbeatIsMissingThenTellsThatChangesMayHaveGoneUnheard() {
		String channel = "porter:test:heartbeat-gap";
		LettuceConnectionFactory factory = factory(redis.url());
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		Queue<RemoteChange> heard = new ConcurrentLinkedQueue<>();
		Disposable listening = new RedisInvalidationBus(factory, channel, TIMEOUT, meters).remoteChanges()
			.subscribe(heard::add);
		try {
			Eventually.await("subscribed and hearing its heartbeats", Duration.ofSeconds(10),
					() -> count(meters, "heartbeat") >= 2);
			assertThat(heard).containsExactly(RemoteChange.ANY_KEY);
			assertThat(count(meters, "heartbeat_missed")).isZero();

			admin((commands) -> {
				List<String> heartbeatChannels = commands.pubsubChannels(channel + ":heartbeat:*");
				assertThat(heartbeatChannels).hasSize(1);
				commands.publish(heartbeatChannels.get(0), Long.toString(Long.MAX_VALUE / 2));
			});

			Eventually.await("told so", Duration.ofSeconds(10), () -> heard.size() >= 2);
			assertThat(heard).containsOnly(RemoteChange.ANY_KEY);
			assertThat(count(meters, "heartbeat_missed")).isPositive();
			assertThat(count(meters, "subscribed")).as("on the same subscription").isEqualTo(1);
		}
		finally {
			listening.dispose();
			factory.destroy();
		}
	}

	/**
	 * The heartbeats are published on the shared connection, which closes while the
	 * subscription lives on ({@code UnansweredConnections} closes it after 1.5–2 s of a
	 * Redis pause the subscription outlasts; here Redis drops it) and refuses commands at
	 * once while it reconnects: a heartbeat sent then never reached Redis, and no
	 * announcement was lost to the subscription. Told as a gap, it made every instance
	 * revalidate every profile it held, all through the shared Management API budget.
	 */
	@Test
	void remoteChangesWhenHeartbeatsFailToBeSentWhileTheSubscriptionLivesThenNothingToldMissing() throws Exception {
		String channel = "porter:test:heartbeat-unsent";
		// reconnects only after the next heartbeat has failed, and long before the
		// subscription would be taken for a silent one
		ClientResources resources = DefaultClientResources.builder()
			.reconnectDelay(Delay.constant(RECONNECTING_FOR))
			.build();
		LettuceConnectionFactory factory = factory(redis.url(), TIMEOUT, resources,
				ClientOptions.builder()
					.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
					.build());
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		Queue<RemoteChange> heard = new ConcurrentLinkedQueue<>();
		RedisClient admin = RedisClient.create(redis.url());
		Disposable listening = new RedisInvalidationBus(factory, channel, TIMEOUT, meters).remoteChanges()
			.subscribe(heard::add);
		try (StatefulRedisConnection<String, String> adminConnection = admin.connect()) {
			Eventually.await("subscribed and hearing its heartbeats", Duration.ofSeconds(10),
					() -> count(meters, "heartbeat") >= 2);
			double heardBefore = count(meters, "heartbeat");
			// right after one is heard, so that the next is sent while it reconnects
			Eventually.await("another heartbeat heard", Duration.ofSeconds(10),
					() -> count(meters, "heartbeat") > heardBefore);
			assertThat(adminConnection.sync().clientKill(KillArgs.Builder.typeNormal()))
				.as("the shared connection dropped")
				.isPositive();

			Eventually.await("a heartbeat refused while reconnecting", Duration.ofSeconds(10),
					() -> count(meters, "heartbeat_unsent") >= 1);
			double heardWhenRefused = count(meters, "heartbeat");
			Eventually.await("its heartbeats heard again", Duration.ofSeconds(10),
					() -> count(meters, "heartbeat") >= heardWhenRefused + 2);
			assertThat(count(meters, "subscribed")).as("on the same subscription").isEqualTo(1);
			assertThat(count(meters, "heartbeat_missed")).isZero();
			assertThat(heard).containsExactly(RemoteChange.ANY_KEY);
		}
		finally {
			listening.dispose();
			factory.destroy();
			admin.shutdown();
			resources.shutdown();
		}
	}

	/**
	 * A Redis user with the keys a Porter user needs ({@code ~porter:*}) and no channel:
	 * Redis 7 gives a new user none ({@code acl-pubsub-default resetchannels}), and
	 * refuses every SUBSCRIBE and PUBLISH with {@code NOPERM}. The log lines named the
	 * exception's type only, and the operator never learnt that an ACL was at fault.
	 */
	@Test
	void remoteChangesWhenTheRedisUserMayUseNoChannelThenTheLogNamesNoperm(CapturedOutput output) {
		String user = "porter-" + System.nanoTime();
		admin((commands) -> commands.aclSetuser(user,
				AclSetuserArgs.Builder.on().addPassword(user).resetChannels().keyPattern("porter:*").allCommands()));
		LettuceConnectionFactory factory = factory("redis://" + user + ":" + user + "@127.0.0.1:" + redis.port());
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		RedisInvalidationBus bus = bus(factory, meters);
		Disposable listening = bus.remoteChanges().subscribe();
		try {
			Eventually.await("a subscription refused", Duration.ofSeconds(10),
					() -> count(meters, "subscribe_failed") >= 1);
			StepVerifier.create(bus.publish("auth0|alice")).expectComplete().verify(Duration.ofSeconds(10));
		}
		finally {
			listening.dispose();
			factory.destroy();
			admin((commands) -> commands.aclDeluser(user));
		}
		assertThat(output.getOut().lines().filter((line) -> line.contains("channel unavailable"))).singleElement(STRING)
			.contains("Redis answered NOPERM");
		assertThat(output.getOut().lines().filter((line) -> line.contains("not published"))).singleElement(STRING)
			.contains("Redis answered NOPERM");
	}

	/** Admin commands, as the default user, as an operator would give them. */
	private static void admin(Consumer<RedisCommands<String, String>> commands) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			commands.accept(connection.sync());
		}
		finally {
			client.shutdown();
		}
	}

	private static void startRedisOn(int port) {
		try {
			late = RedisServer.startOn(port);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void stopLateRedis() {
		if (late != null) {
			late.close();
			late = null;
		}
	}

	/**
	 * Announces {@code key} every 50 ms after the previous attempt, until the test ends.
	 */
	private void announceRepeatedly(RedisInvalidationBus bus, String key) {
		this.announcers.add(bus.publish(key).then(Mono.delay(Duration.ofMillis(50))).repeat().subscribe());
	}

	/** The keys another instance changed, as the bus tells them. */
	private static Flux<String> keys(RedisInvalidationBus bus) {
		return bus.remoteChanges().ofType(RemoteChange.Key.class).map(RemoteChange.Key::key);
	}

	private static RedisInvalidationBus bus(LettuceConnectionFactory factory, SimpleMeterRegistry meters) {
		return new RedisInvalidationBus(factory, CHANNEL, TIMEOUT, meters);
	}

	private static LettuceConnectionFactory factory(String url) {
		return factory(url, TIMEOUT, null);
	}

	private static LettuceConnectionFactory factory(String url, Duration commandTimeout) {
		return factory(url, commandTimeout, null);
	}

	private static LettuceConnectionFactory factory(String url, ClientResources resources) {
		return factory(url, TIMEOUT, resources);
	}

	private static LettuceConnectionFactory factory(String url, Duration commandTimeout, ClientResources resources) {
		return factory(url, commandTimeout, resources, null);
	}

	private static LettuceConnectionFactory factory(String url, Duration commandTimeout, ClientResources resources,
			ClientOptions options) {
		LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
			.commandTimeout(commandTimeout);
		if (resources != null) {
			client.clientResources(resources);
		}
		if (options != null) {
			client.clientOptions(options);
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				LettuceConnectionFactory.createRedisConfiguration(url), client.build());
		factory.start();
		return factory;
	}

}
