package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.crypto.KeyRing;
import dev.porter.gateway.redis.RedisKeyTracking;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.TestSessionKeys;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.PrimaryEndpoint;
import dev.porter.testsupport.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SessionNearCache} across a failover behind a primary endpoint (a managed Redis's
 * DNS name) that leaves the old primary running as a replica: the tracking connection
 * only reads, so no {@code READONLY} ever moves it, and the demoted node answers its
 * pings. Should that node not hear of the new primary's writes (its replication link
 * down), no invalidation reaches the instance any more, while what it kept looks vouched
 * for.
 */
class SessionNearCacheFailoverTests {

	private static final Duration IDLE = Duration.ofMinutes(30);

	/** Pinged often: the tracking notices the failover by itself, within the test. */
	private static final Duration HEARTBEAT = Duration.ofMillis(50);

	/**
	 * Well within {@link SessionNearCache#TRUST_FOR}, which the test's monotonic clock,
	 * standing still, never reaches anyway: only an invalidation makes a change seen.
	 */
	private static final Duration PATIENCE = Duration.ofSeconds(5);

	private static final LoginTokens TOKENS = new LoginTokens("at-secret-1", Instant.ofEpochSecond(1_800_000_000),
			Instant.ofEpochSecond(1_800_003_600), Set.of("openid"), "rt-secret-1");

	private final MovableClock clock = new MovableClock(Instant.now());

	private final SessionCodec codec = new SessionCodec(KeyRing.parse(TestSessionKeys.newKey(), "KEYS"), IDLE,
			this.clock);

	private RedisServer first;

	private RedisServer second;

	private PrimaryEndpoint endpoint;

	private ClientResources trackingResources;

	private RedisKeyTracking tracking;

	/** The other instance's, never started: it reads Redis every time. */
	private RedisKeyTracking thereTracking;

	/** This instance's command connections, through the endpoint. */
	private LettuceConnectionFactory hereConnections;

	/** The other instance's, on the new primary already. */
	private LettuceConnectionFactory thereConnections;

	private EncryptedRedisSessionRepository here;

	private EncryptedRedisSessionRepository there;

	@BeforeEach
	void start() throws Exception {
		this.first = RedisServer.start();
		this.second = RedisServer.start();
		for (RedisServer server : new RedisServer[] { this.first, this.second }) {
			RedisAdmin.call(server.url(), (commands) -> {
				// a replica loads its primary's data without writing it to the working
				// directory, which every server shares; a primary sends it at once
				commands.configSet("repl-diskless-load", "swapdb");
				return commands.configSet("repl-diskless-sync-delay", "0");
			});
		}
		this.endpoint = PrimaryEndpoint.to(this.first.port());
		this.trackingResources = DefaultClientResources.create();
		this.tracking = new RedisKeyTracking(this.trackingResources, ClientOptions.create(),
				RedisURI.create(this.endpoint.url()), this.clock::nanoTime, HEARTBEAT);
		this.hereConnections = connections(this.endpoint.url());
		this.here = repository(values(this.hereConnections),
				new SessionNearCache(this.codec, this.tracking, this.clock::nanoTime));
		this.thereConnections = connections(this.second.url());
		this.thereTracking = new RedisKeyTracking(this.trackingResources, ClientOptions.create(),
				RedisURI.create(this.second.url()), this.clock::nanoTime, HEARTBEAT);
		this.there = repository(values(this.thereConnections),
				new SessionNearCache(this.codec, this.thereTracking, this.clock::nanoTime));
		this.tracking.start();
		Eventually.await("tracking on", PATIENCE, () -> this.tracking.stamp() != RedisKeyTracking.NOT_TRACKING);
	}

	@AfterEach
	void stop() {
		this.tracking.shutdown().orTimeout(5, TimeUnit.SECONDS).join();
		this.thereTracking.shutdown().orTimeout(5, TimeUnit.SECONDS).join();
		this.trackingResources.shutdown().awaitUninterruptibly(5, TimeUnit.SECONDS);
		this.hereConnections.destroy();
		this.thereConnections.destroy();
		this.endpoint.close();
		this.first.close();
		this.second.close();
	}

	@Test
	void findByIdWhenFailedOverToANodeTheOldPrimaryNoLongerFollowsThenAChangeThereIsSeen() {
		String id = signedIn().getId();
		keptHere(id, this.first);

		failOver();
		// As the first write's READONLY would (ReadOnlyConnections): the command
		// connections reach the new primary. Nothing moves the tracking connection.
		this.hereConnections.resetConnection();
		keptHere(id, this.second);
		StoredSession changed = this.there.findById(id).block();
		changed.setAttribute("porter.test", "changed there");
		this.there.save(changed).block();

		Eventually.await("the change seen here", PATIENCE,
				() -> "changed there".equals(this.here.findById(id).block().getAttribute("porter.test")));
	}

	/**
	 * The second server takes over with the first's data, as a replica promoted by a
	 * failover does, and the endpoint names it from now on; the first goes on as a
	 * replica whose link is down (of a port nothing listens on), so it hears of no write
	 * on the new primary.
	 */
	private void failOver() {
		RedisAdmin.call(this.second.url(), (commands) -> commands.replicaof("127.0.0.1", this.first.port()));
		Eventually.await("the second server in sync with the first", PATIENCE,
				() -> RedisAdmin.call(this.second.url(), (commands) -> commands.info("replication"))
					.contains("master_link_status:up"));
		RedisAdmin.call(this.second.url(), (commands) -> commands.replicaofNoOne());
		RedisAdmin.call(this.first.url(), (commands) -> commands.replicaof("127.0.0.1", RedisServer.freePort()));
		this.endpoint.pointTo(this.second.port());
	}

	private StoredSession signedIn() {
		StoredSession session = this.here.createSession().block();
		session.setAttribute(LoginTokens.ATTRIBUTE, TOKENS);
		this.here.save(session).block();
		return session;
	}

	/**
	 * Reads the session here until it is served from memory, without a GET to
	 * {@code server}.
	 */
	private void keptHere(String id, RedisServer server) {
		Eventually.await("the session kept", PATIENCE, () -> {
			long gets = gets(server);
			this.here.findById(id).block();
			return gets(server) == gets;
		});
	}

	/**
	 * How many GETs {@code server} has served: each is a read that did not come from
	 * memory.
	 */
	private static long gets(RedisServer server) {
		Properties stats = RedisAdmin.call(server.url(), (commands) -> {
			Properties parsed = new Properties();
			commands.info("commandstats").lines().forEach((line) -> {
				int colon = line.indexOf(':');
				if (colon > 0) {
					parsed.setProperty(line.substring(0, colon), line.substring(colon + 1));
				}
			});
			return parsed;
		});
		String get = stats.getProperty("cmdstat_get");
		return (get != null) ? Long.parseLong(get.replaceFirst("^calls=(\\d+),.*", "$1")) : 0;
	}

	private static LettuceConnectionFactory connections(String url) {
		LettuceConnectionFactory connections = new LettuceConnectionFactory(
				LettuceConnectionFactory.createRedisConfiguration(url));
		connections.afterPropertiesSet();
		connections.start();
		return connections;
	}

	/** An instance on {@code values}, keeping what it reads in {@code kept}. */
	private EncryptedRedisSessionRepository repository(ReactiveRedisTemplate<String, byte[]> values,
			SessionNearCache kept) {
		return new EncryptedRedisSessionRepository(values, this.codec, kept, new LoweredIdleTimeout(values, kept), IDLE,
				this.clock);
	}

	private static ReactiveRedisTemplate<String, byte[]> values(LettuceConnectionFactory connections) {
		return new ReactiveRedisTemplate<>(connections,
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.build());
	}

}
