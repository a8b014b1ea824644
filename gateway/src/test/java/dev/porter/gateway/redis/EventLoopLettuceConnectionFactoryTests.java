package dev.porter.gateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.porter.gateway.support.MovableClock;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * The gateway's Redis connections as {@link RedisConfiguration} builds them, on event
 * loops of their own, against a real {@code redis-server}: a command from one of the
 * server's loops is answered on that loop, never on a thread of Lettuce's, and a loop
 * never waits for a connection to open.
 */
class EventLoopLettuceConnectionFactoryTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private static final String GATEWAY_CLIENT = "porter-gateway";

	/** How long a connection may take to open once Redis answers. */
	private static final Duration PATIENCE = Duration.ofSeconds(5);

	private final ReactorResourceFactory netty = new ReactorResourceFactory();

	private final RedisConfiguration configuration = new RedisConfiguration();

	/** Advanced by {@link #freshHealth}: a readiness check stands for a second. */
	private final MovableClock clock = new MovableClock(Instant.now());

	private final ClientResources resources = this.configuration
		.redisClientResources(new RedisProperties("redis://127.0.0.1:9", TIMEOUT));

	/**
	 * Lettuce's handlers learn that a connection closed only in a later task on its loop;
	 * this test holds that news back for as long as it likes, as a busy loop would.
	 */
	private final HeldInactivity heldInactivity = new HeldInactivity();

	/** Keeps the {@code INFO}s the connections send from Redis, as the test likes. */
	private final UnansweredInfo unansweredInfo = new UnansweredInfo();

	private final ClientResources holdingResources = this.resources.mutate()
		.nettyCustomizer(this.heldInactivity)
		.build();

	private final ClientResources infoHoldingResources = this.resources.mutate()
		.nettyCustomizer(this.unansweredInfo)
		.build();

	private ClientResources started = this.resources;

	private EventLoopLettuceConnectionFactory factory;

	private RedisServer redis;

	private RedisClient admin;

	@AfterEach
	void stop() {
		if (this.admin != null) {
			this.admin.shutdown();
		}
		if (this.factory != null) {
			this.factory.destroy();
		}
		this.heldInactivity.release();
		this.holdingResources.shutdown();
		this.infoHoldingResources.shutdown();
		this.resources.shutdown();
		this.netty.destroy();
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void commandWhenIssuedOnAServerLoopThenAnsweredOnThatLoop() throws Exception {
		this.redis = RedisServer.start();
		ReactiveStringRedisTemplate template = start(this.redis.url());

		for (EventLoop loop : serverLoops()) {
			awaitConnected(template, loop);
			Answer answer = onLoop(loop, template);
			assertThat(answer.failure()).isNull();
			assertThat(answer.answeredOn()).as("the thread the answer came on").isSameAs(answer.issuedOn());
		}
	}

	@Test
	void commandWhenIssuedOffTheServerLoopsThenAnsweredOnOneOfThem() throws Exception {
		this.redis = RedisServer.start();
		ReactiveStringRedisTemplate template = start(this.redis.url());
		List<EventLoop> loops = serverLoops();
		for (EventLoop loop : loops) {
			awaitConnected(template, loop);
		}

		CompletableFuture<Thread> answeredOn = new CompletableFuture<>();
		template.opsForValue().increment("off-loop").subscribe((count) -> answeredOn.complete(Thread.currentThread()));

		Thread thread = answeredOn.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
		List<Thread> loopThreads = new ArrayList<>();
		for (EventLoop loop : loops) {
			loopThreads.add(threadOf(loop));
		}
		assertThat(loopThreads).as("the server's loops, not a thread of Lettuce's own").contains(thread);
	}

	@Test
	void commandWhenRedisNotUpAtStartThenRefusedAtOnceOnTheLoopAndServedOnceRedisIsUp() throws Exception {
		int port = RedisServer.freePort();
		ReactiveStringRedisTemplate template = start("redis://127.0.0.1:" + port);

		for (EventLoop loop : serverLoops()) {
			assertThat(onLoop(loop, template).failure()).isInstanceOf(RedisConnectionFailureException.class)
				.hasMessage("Not connected to Redis yet");
		}
		assertThatExceptionOfType(RedisConnectionFailureException.class)
			.isThrownBy(() -> template.opsForValue().increment("off-loop").block(PATIENCE))
			.withMessage("Not connected to Redis yet");

		this.redis = RedisServer.startOn(port);
		for (EventLoop loop : serverLoops()) {
			awaitConnected(template, loop);
			assertThat(onLoop(loop, template).answeredOn()).isNotNull();
		}
	}

	/**
	 * Off the server's loops — a timer's thread, where a request waiting for the refresh
	 * lock polls and then re-reads and writes its session — a command goes over a
	 * connection that is connected, not over the first loop's whatever its state: each
	 * reconnects on its own, and the first may be the one still down.
	 */
	@Test
	void commandWhenIssuedOffTheLoopsWhileTheirFirstConnectionIsDownThenServedOverAConnectedOne() throws Exception {
		ReactiveStringRedisTemplate template = startAndAwaitEveryLoopConnected();
		RedisHealthIndicator readiness = readiness();
		// With every connection open, commands from off the loops all take the same one:
		// named here, to be found in Redis.
		template.execute((connection) -> connection.serverCommands().setClientName("first")).blockLast(PATIENCE);
		RedisCommands<String, String> redis = admin();
		List<Long> first = clientIds(redis, "first");
		assertThat(first).hasSize(1);
		dropForGood(redis, first.get(0));
		awaitStatus(readiness, Status.DOWN);

		assertThat(template.opsForValue().increment("off-loop").block(PATIENCE)).isEqualTo(1L);
	}

	/**
	 * A connection whose socket has closed refuses commands at once, but Lettuce marks it
	 * closed only in a later task on its loop: a busy loop widens that moment. A command
	 * issued meanwhile must still go over a connection that can carry it, not fail with
	 * Lettuce's "Currently not connected" (the request's 503) because the closed one
	 * still looked open.
	 */
	@Test
	void commandWhenIssuedWhileLettuceHasNotYetSeenItsConnectionCloseThenServedOverAConnectedOne() throws Exception {
		this.started = this.holdingResources;
		ReactiveStringRedisTemplate template = startAndAwaitEveryLoopConnected();
		template.execute((connection) -> connection.serverCommands().setClientName("first")).blockLast(PATIENCE);
		RedisCommands<String, String> redis = admin();
		this.heldInactivity.hold();
		dropForGood(redis, clientIds(redis, "first").get(0));
		assertThat(this.heldInactivity.awaitHeld()).as("the closed connection's news held back").isTrue();

		assertThat(template.opsForValue().increment("off-loop").block(PATIENCE)).isEqualTo(1L);
		for (EventLoop loop : serverLoops()) {
			assertThat(onLoop(loop, template).failure()).as("a command on %s", loop).isNull();
		}
	}

	/**
	 * A loop whose own connection is down (reconnecting after an outage, or refused by a
	 * full Redis) sends its commands over another loop's connection meanwhile, rather
	 * than answering its requests with a 503 that another connection could have spared.
	 */
	@Test
	void commandWhenIssuedOnALoopWhoseConnectionIsDownThenServedOverAnotherLoopsConnection() throws Exception {
		ReactiveStringRedisTemplate template = startAndAwaitEveryLoopConnected();
		RedisHealthIndicator readiness = readiness();
		RedisCommands<String, String> redis = admin();
		dropForGood(redis, clientIds(redis, GATEWAY_CLIENT).get(0));
		awaitStatus(readiness, Status.DOWN);

		for (EventLoop loop : serverLoops()) {
			assertThat(onLoop(loop, template).failure()).as("a command on %s", loop).isNull();
		}
	}

	/**
	 * Lettuce reconnects each loop's connection on its own: after an outage, or with
	 * Redis at {@code maxclients}, one loop may be connected while another is still
	 * refused. Requests landing on that other loop get a 503, so readiness must not say
	 * UP from whichever loop its probe happened to land on.
	 */
	@Test
	void readinessWhenOneLoopsConnectionCannotReconnectThenDownOnEveryLoopUntilItDoes() throws Exception {
		ReactiveStringRedisTemplate template = startAndAwaitEveryLoopConnected();
		RedisHealthIndicator readiness = readiness();
		List<EventLoop> loops = serverLoops();
		RedisCommands<String, String> redis = admin();
		List<Long> gatewayClients = clientIds(redis, GATEWAY_CLIENT);
		assertThat(gatewayClients).as("one connection per loop").hasSize(loops.size());
		dropForGood(redis, gatewayClients.get(gatewayClients.size() - 1));

		for (EventLoop loop : loops) {
			assertThat(healthOn(loop, readiness).getStatus()).as("readiness on %s", loop).isEqualTo(Status.DOWN);
		}

		redis.configSet("maxclients", "10000");
		awaitStatus(readiness, Status.UP);
		for (EventLoop loop : loops) {
			assertThat(healthOn(loop, readiness).getStatus()).as("readiness on %s", loop).isEqualTo(Status.UP);
		}
		// Reconnected, each loop's own connection serves its loop again.
		for (EventLoop loop : loops) {
			Answer answer = onLoop(loop, template);
			assertThat(answer.answeredOn()).as("answered on %s", loop).isSameAs(answer.issuedOn());
		}
	}

	/**
	 * Once connected, the gateway asks Redis for its eviction policy. Should that
	 * question get no answer (Redis stalled, the reply lost), it is asked again until
	 * Redis answers: before, only a connection opening asked, none did once all were
	 * open, and an operator whose Redis evicts keys was never warned.
	 */
	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void evictionPolicyWhenTheQuestionGetsNoAnswerThenWarnedOnceRedisAnswers(CapturedOutput output) throws Exception {
		this.started = this.infoHoldingResources;
		this.unansweredInfo.hold();
		ReactiveStringRedisTemplate template = startAndAwaitEveryLoopConnected();
		Eventually.await("the questions asked so far timed out", PATIENCE, this.unansweredInfo::allHeldTimedOut);
		RedisCommands<String, String> redis = admin();
		redis.configSet("maxmemory", "100mb");
		redis.configSet("maxmemory-policy", "allkeys-lru");

		this.unansweredInfo.release();

		Eventually.await("the warning", PATIENCE, () -> policyWarnings(output).findAny().isPresent());
		assertThat(policyWarnings(output)).singleElement(STRING).contains("maxmemory-policy is allkeys-lru");
		assertThat(template.opsForValue().increment("after").block(PATIENCE)).as("serving all along").isEqualTo(1L);
	}

	private static Stream<String> policyWarnings(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains(" WARN ") && line.contains("maxmemory-policy"));
	}

	/**
	 * A real {@code redis-server} and the gateway's connections to it, one per loop, all
	 * open; named, to tell them from any other client in Redis.
	 */
	private ReactiveStringRedisTemplate startAndAwaitEveryLoopConnected() throws Exception {
		this.redis = RedisServer.start();
		ReactiveStringRedisTemplate template = start(this.redis.url() + "?clientName=" + GATEWAY_CLIENT);
		for (EventLoop loop : serverLoops()) {
			awaitConnected(template, loop);
		}
		return template;
	}

	/** Readiness as the gateway builds it, over this test's connections. */
	private RedisHealthIndicator readiness() {
		return this.configuration.redisHealthIndicator(this.factory, new RedisProperties(this.redis.url(), TIMEOUT),
				new StaticListableBeanFactory(Map.of("clock", this.clock)).getBeanProvider(Clock.class));
	}

	/** An operator's own connection to this test's Redis, closed after the test. */
	private RedisCommands<String, String> admin() {
		this.admin = RedisClient.create(this.redis.url());
		return this.admin.connect().sync();
	}

	/**
	 * Closes one client's connection with Redis full, so that it cannot come back:
	 * existing connections stay, a new one is refused with "max number of clients
	 * reached" until {@code maxclients} is raised again.
	 */
	private static void dropForGood(RedisCommands<String, String> redis, long clientId) {
		redis.configSet("maxclients", Integer.toString(redis.clientList().split("\n").length - 1));
		redis.clientKill(KillArgs.Builder.id(clientId));
	}

	private static List<Long> clientIds(RedisCommands<String, String> redis, String name) {
		List<Long> ids = new ArrayList<>();
		for (String client : redis.clientList().split("\n")) {
			List<String> fields = List.of(client.trim().split(" "));
			if (fields.contains("name=" + name)) {
				ids.add(Long.parseLong(fields.get(0).substring("id=".length())));
			}
		}
		return ids;
	}

	/**
	 * Waits, bounded, for readiness to say {@code status}: it does once Lettuce has seen
	 * a connection close, which it learns asynchronously.
	 */
	private void awaitStatus(RedisHealthIndicator readiness, Status status) throws InterruptedException {
		Instant deadline = Instant.now().plus(PATIENCE);
		while (!status.equals(freshHealth(readiness).getStatus())) {
			assertThat(Instant.now()).as("readiness %s within %s", status, PATIENCE).isBefore(deadline);
			Thread.sleep(50); // polling a state Lettuce updates asynchronously, bounded
		}
	}

	/** A check of its own, not the last one's outcome, which stands for a second. */
	private Health freshHealth(RedisHealthIndicator readiness) {
		this.clock.advance(RedisHealthIndicator.STANDS_FOR);
		return readiness.health().block(PATIENCE);
	}

	/** Readiness as a probe served on {@code loop} would see it, checked afresh. */
	private Health healthOn(EventLoop loop, RedisHealthIndicator readiness) throws Exception {
		this.clock.advance(RedisHealthIndicator.STANDS_FOR);
		CompletableFuture<Health> health = new CompletableFuture<>();
		loop.execute(() -> readiness.health().subscribe(health::complete, health::completeExceptionally));
		return health.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
	}

	private ReactiveStringRedisTemplate start(String url) {
		this.netty.setUseGlobalResources(false);
		this.netty.afterPropertiesSet();
		this.factory = this.configuration.redisConnectionFactory(new RedisProperties(url, TIMEOUT), this.started,
				this.netty);
		this.factory.afterPropertiesSet();
		this.factory.start();
		return new ReactiveStringRedisTemplate(this.factory);
	}

	private List<EventLoop> serverLoops() {
		List<EventLoop> loops = new ArrayList<>();
		for (EventExecutor executor : this.netty.getLoopResources().onServer(LoopResources.DEFAULT_NATIVE)) {
			loops.add((EventLoop) executor);
		}
		assertThat(loops).isNotEmpty();
		return loops;
	}

	/**
	 * Issues one command on {@code loop}, as a request served there would, and returns on
	 * which thread its answer came, or how it failed.
	 */
	private static Answer onLoop(EventLoop loop, ReactiveStringRedisTemplate template) throws Exception {
		CompletableFuture<Answer> answer = new CompletableFuture<>();
		loop.execute(() -> {
			Thread issuedOn = Thread.currentThread();
			template.opsForValue()
				.increment("on-loop")
				.subscribe((count) -> answer.complete(new Answer(issuedOn, Thread.currentThread(), null)),
						(failure) -> answer.complete(new Answer(issuedOn, null, failure)));
		});
		return answer.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Waits, bounded, for the connection of {@code loop} to open (it opens in the
	 * background): until a command issued there is answered there, not over another
	 * loop's connection standing in for it.
	 */
	private static void awaitConnected(ReactiveStringRedisTemplate template, EventLoop loop) throws Exception {
		Instant deadline = Instant.now().plus(PATIENCE);
		for (Answer answer = onLoop(loop, template); answer.failure() != null
				|| answer.answeredOn() != answer.issuedOn(); answer = onLoop(loop, template)) {
			assertThat(Instant.now()).as("connected within %s", PATIENCE).isBefore(deadline);
			Thread.sleep(50); // polling a connection that opens asynchronously, bounded
		}
	}

	private static Thread threadOf(EventLoop loop) throws Exception {
		return loop.submit(Thread::currentThread).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
	}

	private record Answer(Thread issuedOn, Thread answeredOn, Throwable failure) {
	}

	/**
	 * While {@link #hold() held}, keeps every {@code INFO} a connection sends from Redis
	 * (before Lettuce's handler, which would wait for its reply): to the connection, a
	 * Redis that does not answer it, and Lettuce times it out.
	 */
	private static final class UnansweredInfo implements NettyCustomizer {

		private final List<RedisCommand<?, ?, ?>> held = new CopyOnWriteArrayList<>();

		private volatile boolean holding;

		void hold() {
			this.holding = true;
		}

		void release() {
			this.holding = false;
		}

		/** Whether one was held, and every one held has timed out. */
		boolean allHeldTimedOut() {
			return !this.held.isEmpty() && this.held.stream().allMatch(RedisCommand::isDone);
		}

		@Override
		public void afterChannelInitialized(Channel channel) {
			channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {

				@Override
				public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
					if (UnansweredInfo.this.holding && message instanceof RedisCommand<?, ?, ?> command
							&& command.getType() == CommandType.INFO) {
						UnansweredInfo.this.held.add(command);
						return;
					}
					context.write(message, promise);
				}

			});
		}

	}

	/**
	 * Once {@link #hold() held}, keeps the next closed connection's
	 * {@code channelInactive} from Lettuce's handlers until {@link #release()}: the
	 * channel is closed, so Lettuce refuses its commands, while the connection still says
	 * it is open.
	 */
	private static final class HeldInactivity implements NettyCustomizer {

		private final CountDownLatch held = new CountDownLatch(1);

		private volatile boolean holding;

		private volatile @Nullable Runnable heldNews;

		void hold() {
			this.holding = true;
		}

		boolean awaitHeld() throws InterruptedException {
			return this.held.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
		}

		void release() {
			this.holding = false;
			Runnable news = this.heldNews;
			this.heldNews = null;
			if (news != null) {
				news.run();
			}
		}

		@Override
		public void afterChannelInitialized(Channel channel) {
			channel.pipeline().addFirst(new ChannelInboundHandlerAdapter() {

				@Override
				public void channelInactive(ChannelHandlerContext context) {
					if (HeldInactivity.this.holding && HeldInactivity.this.held.getCount() > 0) {
						HeldInactivity.this.heldNews = () -> context.executor().execute(context::fireChannelInactive);
						HeldInactivity.this.held.countDown();
						return;
					}
					context.fireChannelInactive();
				}

			});
		}

	}

}
